/**
 * The settings of `npm start` (local/settings.ts): defaults, each variable, and clear refusals.
 */
import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from '../../../local/settings';

describe('settings for npm start', () => {
  it('defaults: API on 127.0.0.1:3000, web app on PORT + 1, mail viewer on a free port, data in .local/', () => {
    // Act
    const settings = readSettings({});

    // Assess
    expect(settings).toEqual({
      port: 3000,
      host: '127.0.0.1',
      webPort: 3001,
      verbose: false,
      dataDirLabel: '.local/',
    });
  });

  it('reads every variable', () => {
    // Act
    const settings = readSettings({
      PORT: '4000',
      HOST: '127.0.0.2',
      WEB_PORT: '4100',
      MAIL_PORT: '4200',
      DEV_WEB_PORT: '4300',
      APP_URL: 'https://app.example.test/',
      BACKCHANNEL_DATA_DIR: '/tmp/bc-data',
      WEB_DIST_DIR: '/tmp/bc-dist',
      VERBOSE: '1',
    });

    // Assess
    expect(settings).toEqual({
      port: 4000,
      host: '127.0.0.2',
      webPort: 4100,
      mailPort: 4200,
      devWebPort: 4300,
      appUrl: 'https://app.example.test',
      dataDir: '/tmp/bc-data',
      webDistDir: '/tmp/bc-dist',
      verbose: true,
      dataDirLabel: '/tmp/bc-data',
    });
  });

  it('puts the web app on PORT + 1 when only PORT is set', () => {
    // Act
    const settings = readSettings({ PORT: '8080' });

    // Assess
    expect(settings.webPort).toBe(8081);
  });

  it('refuses what is not a port, ports that collide, a bad host and a bad APP_URL, naming the variable', () => {
    // Act
    const attempts = [
      { PORT: 'abc' },
      { PORT: '70000' },
      { MAIL_PORT: '0' },
      { WEB_PORT: '3.5' },
      { PORT: '65535' },
      { PORT: '3000', MAIL_PORT: '3001' },
      { HOST: '127.0.0.1 8080' },
      { APP_URL: 'not a url' },
      { APP_URL: 'ftp://files.example.test' },
    ].map((env) => {
      try {
        readSettings(env);
        return undefined;
      } catch (error) {
        return error;
      }
    });

    // Assess
    for (const error of attempts) expect(error).toBeInstanceOf(SettingsError);
    expect(attempts.map((error) => (error as Error).message.split(' ')[0])).toEqual([
      'PORT',
      'PORT',
      'MAIL_PORT',
      'WEB_PORT',
      'WEB_PORT',
      'PORT,',
      'HOST',
      'APP_URL',
      'APP_URL',
    ]);
  });
});
