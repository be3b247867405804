// SPDX-License-Identifier: MIT
// Runs a built agent through the igord lifecycle under V8 with a
// scripted clock and random source: init, ticks, checkpoint, then a
// fresh instance resumed from that state. Checks the state layout and
// the log lines each agent promises.
// Usage: node agent_lifecycle.mjs <heartbeat|survivor|liquidation> <wasm>
import { readFile } from 'node:fs/promises';
import assert from 'node:assert/strict';

const [name, file] = process.argv.slice(2);
const module = await WebAssembly.compile(await readFile(file));
const BIRTH = 1700000000000000000n;
const SEC = 1000000000n;

function host(clock) {
  const env = { logs: [], now: BIRTH, rand: 0x11, memory: null };
  const mem = () => new Uint8Array(env.memory.buffer);
  const igor = {
    clock_now: () => env.now,
    rand_bytes: (p, n) => {
      for (let i = 0; i < n; i++) mem()[p + i] = env.rand++ & 0xff;
      return 0;
    },
    log_emit: (p, n) => {
      env.logs.push(new TextDecoder().decode(mem().slice(p, p + n)));
    },
  };
  // Only what wasi-libc's stdio may import; none of it is used here.
  const wasi = {
    fd_write: () => 8, fd_close: () => 8, fd_seek: () => 8,
    fd_fdstat_get: () => 8, proc_exit: (c) => { throw new Error(`exit ${c}`); },
  };
  return { env, imports: { igor, wasi_snapshot_preview1: wasi } };
}

async function start(state) {
  const h = host();
  const inst = await WebAssembly.instantiate(module, h.imports);
  const x = inst.exports;
  h.env.memory = x.memory;
  x._initialize();
  x.agent_init();
  if (state && state.length) {
    const p = x.malloc(state.length);
    assert.notEqual(p, 0);
    new Uint8Array(x.memory.buffer).set(state, p);
    x.agent_resume(p, state.length);
  }
  return { x, env: h.env };
}

function checkpoint(a) {
  const n = a.x.agent_checkpoint();
  const p = a.x.agent_checkpoint_ptr();
  return new Uint8Array(a.x.memory.buffer).slice(p, p + n);
}

const u64 = (b, off) => new DataView(b.buffer, b.byteOffset).getBigUint64(off, true);
const u32 = (b, off) => new DataView(b.buffer, b.byteOffset).getUint32(off, true);

async function heartbeat() {
  const a = await start();
  for (let i = 0; i < 12; i++) {
    a.env.now = BIRTH + BigInt(i) * SEC;
    assert.equal(a.x.agent_tick(), 0);
  }
  assert.equal(a.env.logs[0], '[heartbeat] tick=1 age=0s');
  assert.equal(a.env.logs[11], '[heartbeat] tick=11 age=10s');
  assert.ok(a.env.logs.includes('[heartbeat] milestone: 10 ticks'));
  const s = checkpoint(a);
  assert.equal(s.length, 28);
  assert.equal(u64(s, 0), 12n);
  assert.equal(u64(s, 8), BIRTH);
  assert.equal(u64(s, 16), BIRTH + 11n * SEC);
  assert.equal(u32(s, 24), 13);
  const b = await start(s);
  b.env.now = BIRTH + 100n * SEC;
  b.x.agent_tick();
  assert.deepEqual(b.env.logs, ['[heartbeat] tick=13 age=100s']);
  // A truncated state is refused and the agent starts over.
  const c = await start(s.slice(0, 20));
  assert.match(c.env.logs[0], /too short/);
  assert.equal(checkpoint(c).length, 28);
  assert.equal(u64(checkpoint(c), 0), 0n);
}

async function survivor() {
  const a = await start();
  a.x.agent_tick();
  a.x.agent_tick();
  const s = checkpoint(a);
  assert.equal(s.length, 28);
  assert.equal(u64(s, 0), 2n);
  // Bytes 11 12 13 14 then 15 16 17 18, each group read little-endian.
  assert.equal(u32(s, 24), (0x14131211 ^ 0x18171615) >>> 0);
  const b = await start(s);
  b.env.rand = 0;
  b.x.agent_tick();
  assert.equal(u64(checkpoint(b), 0), 3n);
  assert.equal(u32(checkpoint(b), 24), (u32(s, 24) ^ 0x03020100) >>> 0);
  assert.match(b.env.logs[0], /^\[survivor\] tick=3 age=0s luck=0x[0-9a-f]{8}$/);
}

async function liquidation() {
  const a = await start();
  for (let slot = 0n; slot <= 14n; slot++) {
    a.env.now = BIRTH + slot * SEC;
    a.x.agent_tick();
  }
  const s = checkpoint(a);
  assert.equal(s.length, 72);
  assert.equal(u64(s, 24), 14n); // last processed slot
  const b = await start(s);
  b.env.now = BIRTH + 40n * SEC;
  b.x.agent_tick();
  const log = b.env.logs.join('\n');
  assert.match(log, /GAP DETECTED: 25 slots missed \(slots 15-39\)/);
  assert.match(log, /THRESHOLD BREACHED AT SLOT 38 \(DURING DOWNTIME\)/);
  assert.match(b.env.logs.at(-1), /slot 40 price \$1,580\.00 \(live\)/);
  const t = checkpoint(b);
  assert.equal(u64(t, 24), 40n);
  assert.equal(u64(t, 56), 38n); // first warning slot
  assert.equal(u32(t, 68), 41); // slots processed
}

async function sentinel() {
  const a = await start();
  let ticks = 0;
  while (!a.env.logs.some((l) => l.endsWith('refill-1: intent recorded'))) {
    a.x.agent_tick();
    assert.ok(++ticks < 500, 'never ran low');
  }
  assert.equal(a.x.agent_tick(), 1);
  assert.equal(a.env.logs.at(-1), '[sentinel] refill-1: transfer sent');
  const s = checkpoint(a); // taken while the transfer is in flight
  const balance = u64(s, 24);
  assert.equal(u32(s, 52), 1); // one intent in the log
  assert.equal(s[56], 2); // IN_FLIGHT
  assert.equal(a.x.agent_tick(), 0);
  assert.match(a.env.logs.at(-1), /refill-1: transfer confirmed/);
  assert.equal(u64(checkpoint(a), 24), balance + 500000n);
  assert.equal(u32(checkpoint(a), 52), 0); // pruned

  // Resumed elsewhere mid-transfer: the intent is UNRESOLVED and is
  // settled once, either way, never paid twice.
  const b = await start(s);
  assert.match(b.env.logs[0], /resumed with 1 unresolved transfer/);
  b.env.rand = 2; // the bridge says it arrived
  b.x.agent_tick();
  assert.match(b.env.logs.at(-1), /had completed: confirmed/);
  assert.equal(u64(checkpoint(b), 24), balance + 500000n);
  assert.equal(u32(checkpoint(b), 32), 1);
  const c = await start(s);
  c.env.rand = 3; // it never arrived
  c.x.agent_tick();
  assert.match(c.env.logs.at(-1), /never arrived: compensated/);
  assert.equal(u64(checkpoint(c), 24), balance);
  assert.equal(u32(checkpoint(c), 32), 0);
  c.x.agent_tick(); // still low: a new intent is recorded
  assert.match(c.env.logs.at(-1), /refill-1: intent recorded/);
}

await { heartbeat, survivor, liquidation, sentinel }[name]();
console.log(`${name}: lifecycle ok`);
