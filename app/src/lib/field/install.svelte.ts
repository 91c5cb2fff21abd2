/**
 * Installing the phone app: the browser's install prompt (Chromium's beforeinstallprompt, kept
 * for a button of our own), a hint for browsers without one (iOS: Share, Add to Home Screen),
 * and a request that the browser keep this site's storage (navigator.storage.persist), so the
 * outbox and its photos are not evicted when the phone runs short of space.
 */
interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

class Install {
  /** Running as an installed app (standalone), so no hint is needed. */
  installed = $state(false);
  /** The browser offered to install: our button can show its prompt. */
  canPrompt = $state(false);
  /** Storage is persistent (the browser will not evict it without asking). */
  persisted = $state<boolean | null>(null);
  #prompt: InstallPromptEvent | null = null;
  #started = false;

  start(): void {
    if (this.#started || typeof window === 'undefined') return;
    this.#started = true;
    this.installed =
      window.matchMedia?.('(display-mode: standalone)').matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
    window.addEventListener('beforeinstallprompt', (e) => {
      e.preventDefault();
      this.#prompt = e as InstallPromptEvent;
      this.canPrompt = true;
    });
    window.addEventListener('appinstalled', () => {
      this.installed = true;
      this.canPrompt = false;
    });
    void this.#persist();
  }

  async #persist(): Promise<void> {
    try {
      const storage = navigator.storage;
      if (!storage?.persist) return;
      this.persisted = (await storage.persisted()) || (await storage.persist());
    } catch {
      this.persisted = false;
    }
  }

  async prompt(): Promise<void> {
    const p = this.#prompt;
    if (!p) return;
    this.#prompt = null;
    this.canPrompt = false;
    await p.prompt();
    if ((await p.userChoice).outcome === 'accepted') this.installed = true;
  }
}

export const install = new Install();
