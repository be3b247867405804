// SPDX-License-Identifier: MIT
// A js-libp2p peer for the igord interop tests: TCP, Noise, yamux, ping,
// identify and the igord test echo protocol.
//
//   node peer.mjs listen            print "LISTEN <addr>/p2p/<id>", then
//                                   "IDENTIFY <json>" per identified peer,
//                                   and run until SIGTERM
//   node peer.mjs dial <addr> [--ping N] [--identify] [--echo BYTES]
//                 [--streams K] [--expect-fail]
//                                   run the checks, print "OK ..." lines,
//                                   exit 0 on success
//   node peer.mjs bench <addr> BYTES  echo BYTES over one stream, print
//                                   "BENCH dial_ms=.. echo_mbps=.."
Promise.withResolvers ??= function () {
  let a, b
  const p = new Promise((resolve, reject) => { a = resolve; b = reject })
  return { promise: p, resolve: a, reject: b }
}

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { ping } = await import('@libp2p/ping')
const { identify } = await import('@libp2p/identify')
const { multiaddr } = await import('@multiformats/multiaddr')

const ECHO = '/igor/test-echo/1.0.0'

function fail (msg) {
  console.log(`FAIL ${msg}`)
  process.exit(1)
}

async function makeNode (listen) {
  const node = await createLibp2p({
    addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { ping: ping(), identify: identify() },
    connectionMonitor: { enabled: false }
  })
  await node.handle(ECHO, echo, { maxInboundStreams: 256 })
  return node
}

// Echo every chunk back, honouring backpressure, then close our side.
async function echo (stream) {
  try {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) {
        await new Promise((resolve) => stream.addEventListener('drain', resolve, { once: true }))
      }
    }
    await stream.close()
  } catch (err) {
    stream.abort(err)
  }
}

function identifyJson (r) {
  return JSON.stringify({
    peerId: r.peerId.toString(),
    agentVersion: r.agentVersion,
    protocolVersion: r.protocolVersion,
    protocols: r.protocols,
    listenAddrs: r.listenAddrs.map((a) => a.toString()),
    observedAddr: r.observedAddr?.toString(),
    publicKey: r.publicKey != null
  })
}

async function listen () {
  const node = await makeNode(true)
  node.addEventListener('peer:identify', (evt) => {
    console.log(`IDENTIFY ${identifyJson(evt.detail)}`)
  })
  for (const a of node.getMultiaddrs()) console.log(`LISTEN ${a.toString()}`)
  const stop = async () => { await node.stop(); process.exit(0) }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

// Send size bytes on one echo stream and check they come back intact.
async function echoOnce (node, ma, size, seed) {
  const data = new Uint8Array(size)
  for (let i = 0; i < size; i++) data[i] = (i * 31 + seed) & 0xff
  const stream = await node.dialProtocol(ma, ECHO)
  const got = new Uint8Array(size)
  let have = 0
  const reading = (async () => {
    for await (const chunk of stream) {
      const part = chunk.subarray ? chunk.subarray() : chunk
      if (have + part.length > size) throw new Error('echo returned too much')
      got.set(part, have)
      have += part.length
    }
  })()
  const CHUNK = 64 * 1024
  for (let off = 0; off < size; off += CHUNK) {
    if (!stream.send(data.subarray(off, Math.min(size, off + CHUNK)))) {
      await new Promise((resolve) => stream.addEventListener('drain', resolve, { once: true }))
    }
  }
  await stream.close()
  await reading
  if (have !== size) throw new Error(`echo returned ${have} of ${size} bytes`)
  for (let i = 0; i < size; i++) {
    if (got[i] !== data[i]) throw new Error(`echo differs at byte ${i}`)
  }
}

function parseArgs (argv) {
  const o = { ping: 0, identify: false, echo: 0, streams: 1, expectFail: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--ping') o.ping = Number(argv[++i])
    else if (a === '--identify') o.identify = true
    else if (a === '--echo') o.echo = Number(argv[++i])
    else if (a === '--streams') o.streams = Number(argv[++i])
    else if (a === '--expect-fail') o.expectFail = true
    else fail(`unknown option ${a}`)
  }
  return o
}

async function dial (target, argv) {
  const o = parseArgs(argv)
  const node = await makeNode(false)
  const ma = multiaddr(target)
  const identified = new Promise((resolve) => {
    node.addEventListener('peer:identify', (evt) => resolve(evt.detail))
  })
  let conn
  try {
    conn = await node.dial(ma, { signal: AbortSignal.timeout(10000) })
  } catch (err) {
    if (o.expectFail) {
      console.log(`OK dial refused: ${err.message}`)
      await node.stop()
      process.exit(0)
    }
    fail(`dial: ${err.message}`)
  }
  if (o.expectFail) fail('dial succeeded but should have been refused')
  console.log(`OK connected ${conn.remotePeer.toString()} muxer ${conn.multiplexer}`)
  for (let i = 0; i < o.ping; i++) {
    const rtt = await node.services.ping.ping(ma)
    console.log(`OK ping ${rtt} ms`)
  }
  if (o.identify) {
    const r = await Promise.race([identified,
      new Promise((resolve, reject) => setTimeout(() => reject(new Error('identify timed out')), 10000))])
    console.log(`IDENTIFY ${identifyJson(r)}`)
  }
  if (o.echo) {
    const jobs = []
    for (let k = 0; k < o.streams; k++) jobs.push(echoOnce(node, ma, o.echo, k))
    await Promise.all(jobs)
    console.log(`OK echo ${o.streams} x ${o.echo} bytes`)
  }
  await node.stop()
  process.exit(0)
}

async function bench (target, size) {
  const node = await makeNode(false)
  const ma = multiaddr(target)
  // The first dial warms the JIT up; the second one is measured.
  await node.dial(ma)
  await node.hangUp(ma)
  const t0 = performance.now()
  await node.dial(ma)
  const t1 = performance.now()
  await echoOnce(node, ma, 1024, 0)
  const t2 = performance.now()
  await echoOnce(node, ma, size, 1)
  const t3 = performance.now()
  const mbps = (2 * size / 1e6) / ((t3 - t2) / 1000)
  console.log(`BENCH dial_ms=${(t1 - t0).toFixed(3)} warm_ms=${(t2 - t1).toFixed(3)} echo_mbps=${mbps.toFixed(1)}`)
  await node.stop()
  process.exit(0)
}

const [mode, ...rest] = process.argv.slice(2)
const main = mode === 'listen'
  ? listen()
  : mode === 'dial'
    ? dial(rest[0], rest.slice(1))
    : mode === 'bench'
      ? bench(rest[0], Number(rest[1]))
      : fail('usage: peer.mjs listen | dial <addr> ... | bench <addr> BYTES')
main.catch((err) => fail(err.stack ?? String(err)))
