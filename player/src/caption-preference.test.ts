import { describe, expect, it } from 'vitest';
import { CAPTIONS_OFF, pickCaption, readCaptionPreference, studentId, writeCaptionPreference } from './caption-preference.ts';

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (k) => items.get(k) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (k) => void items.delete(k),
    setItem: (k, v) => void items.set(k, String(v)),
  };
}

const jwt = (claims: object) => `e30.${btoa(JSON.stringify(claims)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.sig`;

const tracks = [
  { language: 'en', name: 'English', isDefault: false },
  { language: 'es-MX', name: 'Español', isDefault: true },
  { language: 'pt-BR', name: 'Português', isDefault: false },
];

describe('the caption preference', () => {
  it('names the student by the token subject, and nobody for a missing or opaque token', () => {
    expect(studentId(jwt({ sub: 'user-1', email: 'a@example.com' }))).toBe('user-1');
    expect(studentId(jwt({ email: 'a@example.com' }))).toBeNull();
    expect(studentId('not-a-jwt')).toBeNull();
    expect(studentId(null)).toBeNull();
  });

  it('is kept per student: one student turning captions off leaves another one’s language alone', () => {
    const storage = memoryStorage();
    writeCaptionPreference(storage, 'ana', 'es-MX');
    writeCaptionPreference(storage, 'ben', CAPTIONS_OFF);
    expect(readCaptionPreference(storage, 'ana')).toBe('es-MX');
    expect(readCaptionPreference(storage, 'ben')).toBe('off');
    expect(readCaptionPreference(storage, 'cleo')).toBeNull();
  });

  it('keeps nothing for nobody, and survives storage that refuses writes', () => {
    const storage = memoryStorage();
    writeCaptionPreference(storage, null, 'en');
    expect(storage.length).toBe(0);
    expect(readCaptionPreference(storage, null)).toBeNull();
    const full = { ...memoryStorage(), setItem: () => { throw new Error('QuotaExceededError'); } } as Storage;
    expect(() => writeCaptionPreference(full, 'ana', 'en')).not.toThrow();
  });

  it('picks the language asked for, then the same language in another region, then the browser’s, then the author’s default', () => {
    expect(pickCaption(tracks, 'en')?.name).toBe('English');
    expect(pickCaption(tracks, 'PT-br')?.name).toBe('Português');
    expect(pickCaption(tracks, 'es')?.name).toBe('Español');
    expect(pickCaption(tracks, 'de', ['pt-PT', 'en'])?.name).toBe('Português');
    expect(pickCaption(tracks, 'de', ['fr'])?.name).toBe('Español');
    expect(pickCaption(tracks.map((t) => ({ ...t, isDefault: false })), 'de')?.name).toBe('English');
  });

  it('picks nothing when the student chose off or the lesson has no captions', () => {
    expect(pickCaption(tracks, CAPTIONS_OFF, ['en'])).toBeNull();
    expect(pickCaption([], 'en')).toBeNull();
  });
});
