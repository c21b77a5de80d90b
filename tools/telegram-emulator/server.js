// telegram-test-api (a third-party Bot API emulator, npm) with the small adapter
// python-telegram-bot needs. Run: node server.js PORT  (prints "ready PORT" when listening).
//
// The adapter only rewrites the emulator's answers where they break the Bot API's types;
// everything else (methods it does not implement, such as setMyCommands, answered with
// HTTP 500) is left as the emulator does it, so the bot is tested against it as it is:
//   - getMe lacks `is_bot` (python-telegram-bot requires it): added;
//   - message dates are in milliseconds, the Bot API's are Unix seconds: converted;
//   - a sent message echoes object parameters (link_preview_options…) as the JSON strings
//     they were sent as: parsed back into objects;
//   - callback queries lack `chat_instance` (required): added;
//   - editMessageText / editMessageReplyMarkup answer `null`: answered `true`, as Telegram
//     does for an edit it does not return;
//   - getUpdates ignores `timeout` and answers at once: an empty answer waits 200 ms, so
//     long polling does not spin.
'use strict';

const sendResultModule = require('telegram-test-api/lib/modules/sendResult');
const { TelegramServer } = require('telegram-test-api/lib/telegramServer');

const original = sendResultModule.sendResult;

const OBJECTS = new Set([
  'link_preview_options', 'reply_parameters', 'entities', 'caption_entities', 'reply_markup',
]);

function seconds(value) {
  if (Array.isArray(value)) return value.map(seconds);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'date' && typeof inner === 'number' && inner > 1e11) {
        out[key] = Math.floor(inner / 1000);
      } else if (OBJECTS.has(key) && typeof inner === 'string') {
        try { out[key] = JSON.parse(inner); } catch (error) { out[key] = inner; }
      } else {
        out[key] = seconds(inner);
      }
    }
    if (out.callback_query && !out.callback_query.chat_instance) {
      out.callback_query.chat_instance = 'emulator';
    }
    return out;
  }
  return value;
}

function adapt(path, body) {
  if (!body || body.ok !== true) return body;
  const method = path.split('/').pop();
  if (method === 'getMe') {
    return { ok: true, result: { is_bot: true, ...body.result } };
  }
  if ((method === 'editMessageText' || method === 'editMessageReplyMarkup')
      && body.result == null) {
    return { ok: true, result: true };
  }
  return seconds(body);
}

// The emulator installs this middleware first for every request: wrap it.
sendResultModule.sendResult = (req, res, next) => {
  const json = res.json.bind(res);
  res.json = (body) => {
    if (!req.path.startsWith('/bot')) return json(body); // the client's own API
    const adapted = adapt(req.path, body);
    const empty = req.path.endsWith('/getUpdates') && adapted && adapted.ok
      && Array.isArray(adapted.result) && adapted.result.length === 0;
    if (empty) {
      setTimeout(() => json(adapted), 200);
      return res;
    }
    return json(adapted);
  };
  return original(req, res, next);
};

async function main() {
  const port = Number(process.argv[2] || 9000);
  const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
  await server.start();
  process.stdout.write(`ready ${port}\n`);
  const stop = async () => { await server.stop(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => { process.stderr.write(`${error}\n`); process.exit(1); });
