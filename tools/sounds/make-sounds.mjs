/**
 * Writes the softphone's own call sounds (no third-party recordings): `node tools/sounds/make-sounds.mjs`.
 *
 * - ringtone.wav: two soft rising notes, twice, then a pause; 3 s, looped while a call rings.
 * - ringback.wav: the European ringing tone (425 Hz, 1 s on, 4 s off, ETSI TR 101 041 / ITU-T E.180),
 *   looped while the far end rings and sends no audio of its own.
 *
 * 16-bit mono PCM WAV, small enough to ship in assets/web/sounds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RATE = 16000;
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets', 'web', 'sounds');

function wav(samples) {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((value, index) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, value)) * 32767), index * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** A note with a soft attack and a bell-like decay, plus a quiet octave for warmth. */
function note(frequency, seconds, gain) {
  const count = Math.round(seconds * RATE);
  return Array.from({ length: count }, (_, i) => {
    const t = i / RATE;
    const envelope = Math.min(1, t / 0.015) * Math.exp(-3.5 * t);
    return gain * envelope * (Math.sin(2 * Math.PI * frequency * t) + 0.25 * Math.sin(4 * Math.PI * frequency * t));
  });
}

const silence = (seconds) => new Array(Math.round(seconds * RATE)).fill(0);

const ringtone = [
  ...note(659.25, 0.25, 0.45), // E5
  ...note(880.0, 0.35, 0.45), // A5
  ...silence(0.15),
  ...note(659.25, 0.25, 0.45),
  ...note(880.0, 0.35, 0.45),
  ...silence(1.65),
];

const tone = (frequency, seconds, gain) =>
  Array.from({ length: Math.round(seconds * RATE) }, (_, i) => {
    const t = i / RATE;
    const edge = Math.min(1, t / 0.01, (seconds - t) / 0.01);
    return gain * edge * Math.sin(2 * Math.PI * frequency * t);
  });
const ringback = [...tone(425, 1, 0.3), ...silence(4)];

fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'ringtone.wav'), wav(ringtone));
fs.writeFileSync(path.join(out, 'ringback.wav'), wav(ringback));
console.log(`Wrote ringtone.wav and ringback.wav to ${out}`);
