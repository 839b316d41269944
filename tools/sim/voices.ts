/**
 * The simulated customers' voices: each line is spoken ahead of playing by espeak-ng (Debian's
 * package) into a WAV file, kept in a cache folder under a hash of its words and voice, so a line
 * is synthesised once per machine.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SpokenLanguage } from './scenario.js';

const run = promisify(execFile);

export class SpeechNotInstalledError extends Error {
  constructor() {
    super(
      "The simulated customers speak with espeak-ng from Debian's packages, which is not installed. " +
        'Install it with: sudo apt-get install espeak-ng',
    );
    this.name = 'SpeechNotInstalledError';
  }
}

/** espeak-ng's voice for a language, and a female or male variant so that callers differ. */
export function espeakVoice(language: SpokenLanguage, locale: string | undefined, female: boolean): string {
  const base = language === 'en' ? (/US$/i.test(locale ?? '') ? 'en-us' : 'en-gb') : language;
  return `${base}+${female ? 'f3' : 'm3'}`;
}

export interface SpokenLine {
  file: string;
  /** Length of the speech, from the WAV header. */
  seconds: number;
}

export class Voices {
  constructor(private readonly cacheDir: string) {
    fs.mkdirSync(cacheDir, { recursive: true });
  }

  /** Fails with SpeechNotInstalledError when espeak-ng is missing. */
  static async check(): Promise<void> {
    try {
      await run('espeak-ng', ['--version']);
    } catch {
      throw new SpeechNotInstalledError();
    }
  }

  /** The WAV of these words in this voice, synthesised now or taken from the cache. */
  async speak(text: string, voice: string): Promise<SpokenLine> {
    const name = crypto.createHash('sha256').update(`${voice}\n${text}`).digest('hex').slice(0, 24);
    const file = path.join(this.cacheDir, `${name}.wav`);
    if (!fs.existsSync(file)) {
      const partial = `${file}.${process.pid}.part`;
      // -s: a calm speaking rate (words per minute); -g: a short gap between words.
      await run('espeak-ng', ['-v', voice, '-s', '150', '-g', '2', '-w', partial, '--', text]);
      fs.renameSync(partial, file);
    }
    return { file, seconds: wavSeconds(fs.readFileSync(file)) };
  }
}

/** A PCM WAV's length in seconds (0 for anything else). */
export function wavSeconds(wav: Buffer): number {
  if (wav.length < 44 || wav.toString('ascii', 0, 4) !== 'RIFF') return 0;
  const byteRate = wav.readUInt32LE(28);
  // espeak-ng writing to a file leaves the sizes in the header; the data follows the 44-byte header.
  return byteRate > 0 ? (wav.length - 44) / byteRate : 0;
}
