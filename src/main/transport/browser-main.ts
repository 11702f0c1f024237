// Entry of browser mode (bundled by scripts/build-node.mjs into out/node/server.js; `npm start` runs it
// when Electron cannot start). Opens the app services, serves the built renderer and the contract on
// 127.0.0.1, prints the URL with its access token, and shuts down cleanly on SIGINT/SIGTERM.
//
//   node out/node/server.js [--port N] [--db FILE] [--workers N] [--renderer DIR]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppServices } from '../app/services';
import { startBrowserServer } from './browser-server';
import { parseServerArgs, USAGE, type ServerArgs } from './server-args';

/** The app version from the package.json two levels above the bundle (out/node/server.js), if found. */
function packageVersion(here: string): string | undefined {
  const file = path.resolve(here, '../../package.json');
  if (!existsSync(file)) return undefined;
  try {
    const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  let args: ServerArgs;
  try {
    args = parseServerArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`ticketlab server: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  const rendererDir = args.rendererDir ?? path.resolve(here, '../renderer');
  const version = packageVersion(here);

  const services = await createAppServices({
    mode: 'browser',
    ...(args.dbPath ? { dbPath: args.dbPath } : {}),
    ...(args.workers ? { workers: args.workers } : {}),
    ...(version ? { version } : {}),
  });
  const server = await startBrowserServer({ services, rendererDir, port: args.port }).catch(async (err: unknown) => {
    await services.close();
    throw err;
  });
  const info = await services.handlers['app.info']({});
  console.log(
    [
      'Ticket Lab is running in browser mode.',
      `  Open: ${server.url}`,
      `  Run store: ${info.dbPath}`,
      '  Only this machine can connect (127.0.0.1); the token in the URL changes on every launch.',
      '  Press Ctrl+C to stop.',
    ].join('\n'),
  );
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    console.warn(`  Warning: ${rendererDir} has no index.html; run \`npx electron-vite build\` to build the interface.`);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`ticketlab: ${signal} again, exiting without waiting for the runs service.`);
      process.exit(130);
    }
    stopping = true;
    console.log(`\nStopping (${signal}): closing connections and the runs service…`);
    server
      .close()
      .then(() => services.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`ticketlab: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`ticketlab server: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env.TICKETLAB_DEBUG && err instanceof Error) console.error(err.stack);
  process.exit(1);
});
