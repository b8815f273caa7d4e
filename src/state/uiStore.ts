// Store: which part of the workbench is on screen. Nothing else: data lives in its own stores.
import { create } from 'zustand';

export type Tab = 'data' | 'train' | 'view';

export const useUiStore = create<{ tab: Tab; setTab(t: Tab): void }>((set) => ({
  tab: 'data',
  setTab: (tab) => set({ tab }),
}));
