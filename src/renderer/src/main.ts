// Renderer entry: one Vue app with Pinia. The runs store subscribes to main's events as soon as the app
// starts, so no event is missed while the first screen loads.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
app.mount('#app');
