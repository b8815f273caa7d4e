// Puts the theme choice on the page: html[data-theme] for a choice the user made, nothing when the
// page follows the system (styles.css answers prefers-color-scheme then). The <meta name=theme-color>
// follows, so an installed app's title bar matches.
import type { ThemeChoice } from '../state/uiStore';

export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}
