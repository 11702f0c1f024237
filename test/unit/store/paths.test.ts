// Default database location on each platform, and the TICKETLAB_DB override.
import { describe, expect, it } from 'vitest';
import { defaultDbPath } from '../../../src/main/store/paths';

describe('defaultDbPath', () => {
  it('uses XDG_DATA_HOME on Linux, else ~/.local/share', () => {
    expect(defaultDbPath({ platform: 'linux', home: '/home/ada', env: { XDG_DATA_HOME: '/data/xdg' } })).toBe(
      '/data/xdg/ticketlab/ticketlab.sqlite',
    );
    expect(defaultDbPath({ platform: 'linux', home: '/home/ada', env: {} })).toBe('/home/ada/.local/share/ticketlab/ticketlab.sqlite');
    // A relative XDG_DATA_HOME is invalid per the XDG spec and ignored.
    expect(defaultDbPath({ platform: 'linux', home: '/home/ada', env: { XDG_DATA_HOME: 'rel/dir' } })).toBe(
      '/home/ada/.local/share/ticketlab/ticketlab.sqlite',
    );
  });

  it('uses Application Support on macOS', () => {
    expect(defaultDbPath({ platform: 'darwin', home: '/Users/ada', env: {} })).toBe(
      '/Users/ada/Library/Application Support/Ticket Lab/ticketlab.sqlite',
    );
  });

  it('uses %APPDATA% on Windows', () => {
    expect(defaultDbPath({ platform: 'win32', home: 'C:\\Users\\ada', env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' } })).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Ticket Lab\\ticketlab.sqlite',
    );
    expect(defaultDbPath({ platform: 'win32', home: 'C:\\Users\\ada', env: {} })).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Ticket Lab\\ticketlab.sqlite',
    );
  });

  it('is overridden by TICKETLAB_DB on every platform', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(defaultDbPath({ platform, home: '/h', env: { TICKETLAB_DB: '/tmp/x/my.sqlite', XDG_DATA_HOME: '/d' } })).toBe(
        '/tmp/x/my.sqlite',
      );
    }
    expect(defaultDbPath({ platform: 'win32', home: 'C:\\h', env: { TICKETLAB_DB: 'D:\\runs\\t.sqlite' } })).toBe('D:\\runs\\t.sqlite');
    expect(defaultDbPath({ platform: 'linux', home: '/h', env: { TICKETLAB_DB: '  ' } })).toBe(
      '/h/.local/share/ticketlab/ticketlab.sqlite',
    );
  });
});
