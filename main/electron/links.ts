import { linkFromArgs } from '../../src/core/dial-links.js';

/**
 * Click-to-dial links reach the desktop app three ways: on its command line when a link starts it,
 * in a second instance's command line (Windows, Linux: the single-instance lock hands it over), and
 * as `open-url` (macOS, possibly before `ready`). The inbox keeps them until the core runs, then
 * hands each to it, raising the window so the agent sees the confirmation.
 */
export class LinkInbox {
  private readonly waiting: string[] = [];
  private deliver: ((link: string) => void) | undefined;

  /** A command line (the first process's or a second instance's): its dial link, if it has one. */
  fromArgs(argv: readonly string[]): void {
    this.add(linkFromArgs(argv.slice(1)));
  }

  add(link: string | undefined): void {
    if (!link) return;
    if (this.deliver) this.deliver(link);
    else this.waiting.push(link);
  }

  /** The core runs: links go to `open` from now on, those that waited first, in order. */
  attach(open: (link: string) => void): void {
    this.deliver = open;
    for (const link of this.waiting.splice(0)) open(link);
  }
}
