// The app's three screens as hash routes (hash history: works from file:// in Electron and over HTTP).
//   #/            home (recent runs)
//   #/new         the new-experiment wizard
//   #/runs/<id>   one run
export type Route = { name: 'home' } | { name: 'new' } | { name: 'run'; id: string };

const RUN = /^#?\/runs\/([0-9a-f]{4,64})\/?$/;

export function parseHash(hash: string): Route {
  const h = hash.trim();
  const run = RUN.exec(h);
  if (run) return { name: 'run', id: run[1] };
  if (/^#?\/new\/?$/.test(h)) return { name: 'new' };
  return { name: 'home' };
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'new':
      return '#/new';
    case 'run':
      return `#/runs/${route.id}`;
    default:
      return '#/';
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return routeHash(a) === routeHash(b);
}
