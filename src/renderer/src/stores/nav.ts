// Which screen is showing. A tiny hash router: the URL hash is the source of truth, so the back button,
// reloads and links (#/runs/<id>) all work without a router library.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { parseHash, routeHash, type Route } from '../lib/routes';

export const useNavStore = defineStore('nav', () => {
  const route = ref<Route>(parseHash(window.location.hash));

  window.addEventListener('hashchange', () => {
    route.value = parseHash(window.location.hash);
  });

  /** Show a screen; pushes a history entry so Back returns to where the user was. */
  function go(to: Route): void {
    const hash = routeHash(to);
    if (window.location.hash === hash) route.value = to;
    else window.location.hash = hash;
  }

  /** Link target for an <a href>: lets users open runs with the keyboard, middle-click or copy links. */
  function href(to: Route): string {
    return routeHash(to);
  }

  return { route, go, href };
});
