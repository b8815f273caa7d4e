// Store: which part of the workbench is on screen, and the colour theme (the system's choice, or
// light or dark as the user picked it: kept in localStorage, so it survives a reload). Nothing else:
// data lives in its own stores; the theme is put on the page by ui/theme.ts.
import { create } from 'zustand';

export type Tab = 'data' | 'train' | 'view';
export type ThemeChoice = 'system' | 'light' | 'dark';

const THEME_KEY = 'liverlab.theme';

function storedTheme(): ThemeChoice {
  try {
    const v = globalThis.localStorage?.getItem(THEME_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system'; // storage blocked: follow the system
  }
}

export interface UiState {
  tab: Tab;
  theme: ThemeChoice;
  setTab(t: Tab): void;
  setTheme(t: ThemeChoice): void;
}

export const useUiStore = create<UiState>((set) => ({
  tab: 'data',
  theme: storedTheme(),
  setTab: (tab) => set({ tab }),
  setTheme(theme) {
    try {
      if (theme === 'system') globalThis.localStorage?.removeItem(THEME_KEY);
      else globalThis.localStorage?.setItem(THEME_KEY, theme);
    } catch {
      /* not persisted: the choice still holds for this visit */
    }
    set({ theme });
  },
}));
