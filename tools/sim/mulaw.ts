/**
 * G.711 μ-law helpers for the simulators: the telephone format Twilio streams and the Realtime
 * API speaks as `audio/pcmu` (8 kHz, mono, one byte per sample, so 8 bytes per ms).
 */

export const SAMPLE_RATE = 8000;
export const BYTES_PER_MS = 8;
export const FRAME_MS = 20;
/** One Twilio media frame: 20 ms of 8 kHz μ-law. */
export const FRAME_BYTES = FRAME_MS * BYTES_PER_MS;
/** μ-law of a zero sample: what silence looks like on the wire. */
export const MULAW_SILENCE = 0xff;

const BIAS = 0x84;
const CLIP = 32635;

/** Encodes one signed 16-bit PCM sample (ITU-T G.711). */
export function encodeSample(pcm: number): number {
  let sample = Math.max(-32768, Math.min(32767, Math.round(pcm)));
  const sign = sample < 0 ? 0x80 : 0;
  if (sign) sample = -sample;
  if (sample > CLIP) sample = CLIP;
  sample += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (sample & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (sample >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes one μ-law byte to a signed 16-bit PCM sample. */
export function decodeSample(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign ? -magnitude : magnitude;
}

export function encodeMulaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = encodeSample(pcm[i] ?? 0);
  return out;
}

export function decodeMulaw(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = decodeSample(bytes[i] ?? MULAW_SILENCE);
  return out;
}

export function msToBytes(ms: number): number {
  return Math.round(ms * BYTES_PER_MS);
}

export function bytesToMs(bytes: number): number {
  return bytes / BYTES_PER_MS;
}

/** N ms of digital silence. */
export function silence(ms: number): Uint8Array {
  return new Uint8Array(msToBytes(ms)).fill(MULAW_SILENCE);
}

/** One 20 ms frame of silence (160 × 0xFF). */
export function silenceFrame(): Uint8Array {
  return silence(FRAME_MS);
}

/** A pure tone, e.g. for checking that audio survives a relay byte for byte. */
export function tone(ms: number, frequencyHz = 440, amplitude = 8000): Uint8Array {
  const n = msToBytes(ms);
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    pcm[i] = amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / SAMPLE_RATE);
  }
  return encodeMulaw(pcm);
}

/**
 * N ms of "speech-like" audio: a few voiced harmonics under a syllable-rate envelope (~4 Hz)
 * with short gaps, so energy-based VAD sees speech and its pauses. Deterministic per `seed`,
 * so two runs produce the same bytes and a relay can be checked against them.
 */
export function speechLike(ms: number, seed = 1): Uint8Array {
  const n = msToBytes(ms);
  const pcm = new Int16Array(n);
  const f0 = 110 + (seed % 7) * 15; // a plausible voice pitch, varied per speaker/seed
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE;
    // Pitch drifts a little, as in intonation.
    const pitch = f0 * (1 + 0.08 * Math.sin(2 * Math.PI * 0.7 * t + seed));
    phase += (2 * Math.PI * pitch) / SAMPLE_RATE;
    const voiced =
      Math.sin(phase) +
      0.6 * Math.sin(2 * phase) +
      0.35 * Math.sin(3 * phase) +
      0.2 * Math.sin(5 * phase);
    // Syllables: raised-cosine bumps at ~4 Hz, silent in the last fifth of each cycle.
    const cycle = (t * 4 + seed * 0.13) % 1;
    const envelope = cycle < 0.8 ? Math.sin((Math.PI * cycle) / 0.8) ** 2 : 0;
    pcm[i] = 6000 * envelope * voiced;
  }
  return encodeMulaw(pcm);
}

/** Root-mean-square level of μ-law audio in PCM units; 0 for digital silence. */
export function rms(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  let sum = 0;
  for (const b of bytes) {
    const s = decodeSample(b);
    sum += s * s;
  }
  return Math.sqrt(sum / bytes.length);
}

/** Splits audio into fixed-size frames; the last one is padded with silence. */
export function frames(bytes: Uint8Array, frameBytes = FRAME_BYTES): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += frameBytes) {
    const frame = new Uint8Array(frameBytes).fill(MULAW_SILENCE);
    frame.set(bytes.subarray(i, Math.min(i + frameBytes, bytes.length)));
    out.push(frame);
  }
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

export function fromBase64(base64: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64, "base64"));
}

/** The base64 alphabet with padding, as zod's `z.base64()` accepts it (empty string included). */
export const BASE64_PATTERN =
  /^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$/;

/** Decoded length of well-formed base64, without decoding it. */
export function base64Length(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}
