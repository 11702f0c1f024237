// The app's screens as hash routes (hash history: works from file:// in Electron and over HTTP).
//   #/                   home (experiments and recent runs)
//   #/new                the new-experiment wizard
//   #/runs/<id>          one run
//   #/experiments/<id>   one experiment (a grid of runs over seeds)
//   #/settings           this machine: backends, GPU, versions (ticketlab doctor)
export type Route = { name: 'home' } | { name: 'new' } | { name: 'run'; id: string } | { name: 'experiment'; id: string } | { name: 'settings' };

const RUN = /^#?\/runs\/([0-9a-f]{4,64})\/?$/;
const EXPERIMENT = /^#?\/experiments\/([0-9a-f]{4,64})\/?$/;

export function parseHash(hash: string): Route {
  const h = hash.trim();
  const run = RUN.exec(h);
  if (run) return { name: 'run', id: run[1] };
  const exp = EXPERIMENT.exec(h);
  if (exp) return { name: 'experiment', id: exp[1] };
  if (/^#?\/new\/?$/.test(h)) return { name: 'new' };
  if (/^#?\/settings\/?$/.test(h)) return { name: 'settings' };
  return { name: 'home' };
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'new':
      return '#/new';
    case 'run':
      return `#/runs/${route.id}`;
    case 'experiment':
      return `#/experiments/${route.id}`;
    case 'settings':
      return '#/settings';
    default:
      return '#/';
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return routeHash(a) === routeHash(b);
}
