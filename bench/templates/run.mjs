#!/usr/bin/env node
// Measures what the golden path costs at run time: for each template, the generated service
// (built with its real toolchain, as cli/test/templates/*.e2e.test.ts build it) against a bare
// hello-world in the same stack (same framework, server and runtime, no validation, metrics,
// logging or tracing) exposing the same POST /v1/items and GET /v1/items/:id in memory.
// Per template: start-up time (spawn -> first 200 from /healthz) of both, then a warm-up and
// alternating rounds of wrk (50 connections, 3 s) against each, for GET /v1/items/<id> and
// POST /v1/items. Prints golden/bare throughput and the cost in %.
// The server under test runs on one CPU and wrk (and this process, which reads the servers'
// output) on another (taskset), so the load generator never takes cycles from the server;
// the server not being measured waits on the load generator's CPU. Then the same two are
// measured loaded at once on the server CPU (CPU time per request; steadier on a noisy host),
// beside a control: the bare app against a second copy of itself.
// The golden service runs as shipped (its default LOG_LEVEL and ACCESS_LOG: a log line only
// for failed requests), then again with ACCESS_LOG=all (a line for every request), which
// shows what per-request access logs cost. Everything listens on 127.0.0.1; every process
// started is killed by its PID, also on failure. Not part of the test suite.
//
//   node bench/templates/run.mjs [--templates typescript,go,python,java] [--duration 3] [--rounds 5] [--no-build] [--no-pin]
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const argIndex = (name) => process.argv.indexOf(name);
const argValue = (name, fallback) => (argIndex(name) > 0 ? process.argv[argIndex(name) + 1] ?? fallback : fallback);
const ALL = ['typescript', 'go', 'python', 'java'];
const templates = argValue('--templates', ALL.join(',')).split(',').filter(Boolean);
for (const t of templates) if (!ALL.includes(t)) throw new Error(`unknown template "${t}": use a comma list of ${ALL.join(', ')}`);
const duration = Number(argValue('--duration', '3'));
if (!Number.isInteger(duration) || duration < 1 || duration > 60) throw new Error('--duration must be a whole number of seconds, 1 to 60');
const CONNECTIONS = 50;
// One CPU for the server under test, another for the load generator; --no-pin shares them all.
const PIN = argIndex('--no-pin') < 0 && availableParallelism() >= 2;
const SERVER_CPU = '1';
const CLOCK_TICKS = 100; // USER_HZ, the unit of /proc/<pid>/stat times on Linux
const LOAD_CPU = '0';
for (const tool of ['wrk', ...(PIN ? ['taskset'] : [])]) {
  if (!onPath(tool)) {
    console.error(`${tool} is not installed: the bench needs it (Debian: apt-get install ${tool === 'wrk' ? 'wrk' : 'util-linux'}).`);
    process.exit(2);
  }
}
/** Moves this process (all its threads) to the given CPUs: off the server's CPU while measuring. */
function pinSelf(cpus) {
  if (PIN) execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}
const ALL_CPUS = `0-${availableParallelism() - 1}`;
// The golden services run as shipped (their default logging) unless a run asks for more.
delete process.env.LOG_LEVEL;
delete process.env.ACCESS_LOG;
const ROUNDS = Number(argValue('--rounds', '5'));
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 10) throw new Error('--rounds must be a whole number, 1 to 10');
const TARGET_COST = 15;

// ---------------------------------------------------------------- processes (always killed)
const children = new Set();
function killAll() {
  for (const child of children) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

function onPath(tool) {
  return (process.env.PATH ?? '').split(delimiter).some((folder) => folder !== '' && existsSync(join(folder, tool)));
}

/** The command line that runs `command` on the given CPU (as is when not pinning). */
function pinned(cpu, command, args) {
  return PIN ? ['taskset', ['-c', cpu, command, ...args]] : [command, args];
}

function run(command, args, { cwd, env = process.env, timeoutMs = 900_000 } = {}) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const ms = Date.now() - started;
      if (error) reject(new Error(`${command} ${args.join(' ')} failed in ${cwd} after ${ms} ms:\n${`${stdout}${stderr}`.slice(-8000)}`));
      else resolve(ms);
    });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Spawns a server and waits for its first 200 from /healthz; returns it with its start-up ms. */
async function startServer(label, command, args, { cwd, env, timeoutMs = 90_000 }) {
  const port = await freePort();
  const started = performance.now();
  const [file, argv] = pinned(SERVER_CPU, command, args);
  const child = spawn(file, argv, { cwd, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  // The output is read as a container runtime reads it, from a pipe, on the load generator's
  // CPU (see PIN); only the tail is kept, for error messages. A file on disk instead stalled
  // heavy loggers for seconds when the page cache was written back.
  let tail = Buffer.alloc(0);
  const keep = (chunk) => {
    tail = chunk.length >= 8192 ? chunk.subarray(-8192) : Buffer.concat([tail, chunk]).subarray(-8192);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const output = () => tail.toString('utf8');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      const startupMs = performance.now() - started;
      return { label, port, pid: child.pid, startupMs, stop: () => stopServer(child) };
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  stopServer(child);
  throw new Error(`${label} was not healthy within ${timeoutMs} ms:\n${output()}`);
}

function stopServer(child) {
  try {
    process.kill(child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  children.delete(child);
}

// ---------------------------------------------------------------- load
async function createItem(port) {
  const response = await fetch(`http://127.0.0.1:${port}/v1/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench' }),
  });
  if (response.status !== 201) throw new Error(`POST /v1/items on port ${port} answered ${response.status}`);
  const { id } = await response.json();
  const get = await fetch(`http://127.0.0.1:${port}/v1/items/${id}`);
  if (get.status !== 200) throw new Error(`GET /v1/items/${id} on port ${port} answered ${get.status}`);
  return id;
}

// wrk sends the POST body from a script; written once per run into the scratch folder.
let postScript;

/** Milliseconds from one of wrk's latency figures ("812.00us", "1.23ms", "1.01s"). */
function millis(figure) {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(figure);
  if (!match) throw new Error(`unreadable wrk latency "${figure}"`);
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[match[2]];
  return Number(match[1]) * factor;
}

/** CPU seconds (user + system, all threads) the process has used so far, from /proc. */
function cpuSeconds(pid) {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function load({ port, pid }, kind, seconds) {
  // A fresh item each time: the golden stores are bounded (10 000 items), so POST load evicts
  // older ones.
  const url = kind === 'GET' ? `http://127.0.0.1:${port}/v1/items/${await createItem(port)}` : `http://127.0.0.1:${port}/v1/items`;
  const script = kind === 'POST' ? ['-s', postScript] : [];
  const [file, argv] = pinned(LOAD_CPU, 'wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '10s', '--latency', ...script, url]);
  const cpuBefore = cpuSeconds(pid);
  const output = await new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: (seconds + 30) * 1000 }, (error, stdout, stderr) => (error ? reject(new Error(`wrk failed: ${error.message}\n${stderr}`)) : resolve(stdout)));
  });
  const cpu = cpuSeconds(pid) - cpuBefore;
  const rps = Number(/^Requests\/sec:\s+([\d.]+)/m.exec(output)?.[1]);
  const requests = Number(/^\s+(\d+) requests in/m.exec(output)?.[1]);
  const p99 = /^\s+99%\s+(\S+)/m.exec(output)?.[1];
  if (!Number.isFinite(rps) || p99 === undefined) throw new Error(`unreadable wrk output:\n${output}`);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const socketErrors = /Socket errors:.*/.exec(output)?.[0];
  if (rps === 0 || non2xx > 0 || socketErrors) {
    throw new Error(`${kind} load on port ${port}: ${non2xx} non-2xx responses${socketErrors ? `, ${socketErrors}` : ''}\n${output}`);
  }
  // The server's CPU per request is steadier than req/s when other work shares the machine.
  return { rps, p99: millis(p99), cpuUs: (cpu / requests) * 1e6 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Moves a running server (all its threads) to the given CPUs. */
function pinServer(server, cpus) {
  if (PIN) execFileSync('taskset', ['-a', '-p', '-c', cpus, String(server.pid)], { stdio: 'ignore' });
}

/** Gives the servers being loaded the given CPUs; every other running server waits on the load CPU. */
function focusOn(loaded, running, cpus) {
  for (const server of running) pinServer(server, loaded.includes(server) ? cpus : LOAD_CPU);
}

/**
 * Loads a server until its CPU per request settles: at least `minSeconds`, then 3 s samples
 * until one is within 5 % of the sample taken 9 s before it (or `maxSeconds` have passed). A
 * JIT-compiled runtime is measured warm, as it runs most of its life, not while its compiler
 * still works. (Two samples in a row within 5 % was not enough: a JVM still compiling got
 * faster by a few % per sample and passed, then ran 2.5x faster later in the same run.)
 * The server may use every CPU meanwhile, so a JIT's compiler threads get one the request
 * threads do not use, as in a container with more than one CPU; it goes back to its own CPU
 * for the measured rounds. (Pinned to one CPU throughout, the JVMs were still getting faster
 * after minutes of load.)
 */
async function warmUp(server, servers, kind, minSeconds, maxSeconds) {
  focusOn([server], servers, ALL_CPUS);
  try {
    await load(server, kind, minSeconds);
    const samples = [];
    for (let spent = minSeconds; spent < maxSeconds; spent += 3) {
      samples.push((await load(server, kind, 3)).cpuUs);
      const earlier = samples.at(-4);
      if (earlier !== undefined && Math.abs(samples.at(-1) - earlier) <= 0.05 * earlier) return;
    }
    console.log(`  ${server.label} ${kind}: CPU per request still moving after ${maxSeconds} s of warm-up`);
  } finally {
    pinServer(server, SERVER_CPU);
  }
}

/**
 * Gives the server about to be measured the server CPU to itself: the others move to the load
 * generator's CPU, and a pause lets what they do after their own load ends (a GC cycle, memory
 * handed back to the OS) finish there. With every server on the server CPU, whichever was
 * measured second in a round did worse, by 5-10 points of cost in one Go run.
 */
async function settleOn(server, servers) {
  focusOn([server], servers, SERVER_CPU);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}
const SETTLE_MS = 1000;

/** Warms a server up on both request kinds. */
async function warmUpBoth(server, servers, warmupSeconds) {
  for (const kind of ['GET', 'POST']) await warmUp(server, servers, kind, warmupSeconds, Math.max(warmupSeconds * 3, warmupSeconds + 18));
}

/** Warm-up, then ROUNDS rounds alternating the servers, for each request kind. */
async function compare(servers, seconds, warmupSeconds) {
  for (const server of servers) await warmUpBoth(server, servers, warmupSeconds);
  const samples = new Map(servers.map((s) => [s, { GET: [], POST: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of ['GET', 'POST']) {
      for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
        await settleOn(server, servers);
        const sample = await load(server, kind, seconds);
        samples.get(server)[kind].push(sample);
        console.log(`  round ${round + 1} ${kind.padEnd(4)} ${server.label.padEnd(28)} ${sample.rps.toFixed(0).padStart(7)} req/s  p99 ${sample.p99.toFixed(2)} ms  CPU ${sample.cpuUs.toFixed(1)} µs/req`);
      }
    }
  }
  // Medians, not means: the host's noise comes in bursts that can halve one sample.
  const summary = new Map();
  for (const [server, byKind] of samples) {
    const of = (kind) => ({ rps: median(byKind[kind].map((s) => s.rps)), p99: Math.max(...byKind[kind].map((s) => s.p99)), cpuUs: median(byKind[kind].map((s) => s.cpuUs)) });
    summary.set(server, { GET: of('GET'), POST: of('POST') });
  }
  // The cost of the first server against the second, per round from two samples taken back to
  // back (a burst of noise mostly hits both), then the median over the rounds.
  const [first, second] = servers;
  summary.cost = {};
  for (const kind of ['GET', 'POST']) {
    const a = samples.get(first)[kind];
    const b = samples.get(second)[kind];
    summary.cost[kind] = median(a.map((sample, round) => (1 - sample.rps / b[round].rps) * 100));
  }
  return summary;
}

/**
 * The same comparison with both servers loaded at once, each by its own wrk, both on the server
 * CPU, so whatever slows the host (other tenants, clock changes) slows both within the same
 * seconds. Cost = 1 - second/first CPU time per request: on a saturated CPU, req/s is its
 * inverse. (How the scheduler splits req/s between the two is not used.) On this 2-CPU host,
 * sequential samples of one server moved by 20 % and more from one to the next, while a bare app
 * against a second copy of itself measured this way stayed within a few %; that control is
 * printed beside each result.
 */
async function sharedCpuCost([first, second], running, seconds) {
  focusOn([first, second], running, SERVER_CPU);
  const costs = { GET: [], POST: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of ['GET', 'POST']) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const [a, b] = await Promise.all([load(first, kind, seconds), load(second, kind, seconds)]);
      costs[kind].push((1 - b.cpuUs / a.cpuUs) * 100);
      console.log(`  shared round ${round + 1} ${kind.padEnd(4)} ${first.label} ${a.cpuUs.toFixed(1)} µs/req, ${second.label} ${b.cpuUs.toFixed(1)} µs/req`);
    }
  }
  return { GET: median(costs.GET), POST: median(costs.POST) };
}

// ---------------------------------------------------------------- per stack
const SERVICE_NODE = join(process.env.PAVED_TOOLS_DIR || join(homedir(), '.cache', 'paved', 'tools'), 'service-node', 'node');

/** As @paved/testkit's envWithServiceNode: the service Node first on PATH, no outer npm_* vars. */
function serviceNodeEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'NODE') env[key] = value;
  env.PATH = `${dirname(SERVICE_NODE)}${delimiter}${process.env.PATH ?? ''}`;
  return env;
}

// Each template's golden service and bare app live in a temp folder of their own with a short
// path, /tmp/pbXXXXXX/app and /tmp/pbXXXXXX/bare, about as short as the images' /app: the same
// TypeScript build, byte for byte, used 11-16 % more CPU per request from the longer folder this
// bench used before (cause not found; README.md, "Where the services run").
function shortRoot() {
  return mkdtempSync(join(tmpdir(), 'pb'));
}

function generate(template, parent) {
  const name = 'app';
  return run(process.execPath, [join(repo, 'cli/bin/create-service.js'), name, '--template', template, '--team', 'bench', '--yes', '--no-git', '--dir', parent], {
    cwd: parent,
    env: { ...process.env, PAVED_TEMPLATES_DIR: join(repo, 'templates') },
  }).then(() => ({ name, dir: join(parent, name) }));
}

// The bare apps keep items as the golden services do (in memory, at most 10,000, the oldest
// dropped first), so both sides pay the same for storage and the difference is the middleware.
// (Unbounded, a bare app's heap grew by millions of items over a run and slowed it down.)
const STORE_CAPACITY = 10_000;
const ITEMS_NOTE = `bare: in-memory items (at most ${STORE_CAPACITY}, oldest out), no validation, metrics, logging or tracing`;

const stacks = {
  async typescript(root) {
    if (!existsSync(SERVICE_NODE)) throw new Error(`${SERVICE_NODE} missing: run node scripts/install-tools.mjs`);
    const { dir } = await generate('typescript', root);
    const env = serviceNodeEnv();
    await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, env });
    await run('npm', ['run', 'build'], { cwd: dir, env });
    // The bare app uses the golden service's own Fastify (same version) on the same Node.
    const bare = join(root, 'bare');
    mkdirSync(bare);
    symlinkSync(join(dir, 'node_modules'), join(bare, 'node_modules'), 'dir');
    writeFileSync(
      join(bare, 'server.mjs'),
      `// ${ITEMS_NOTE}
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
const items = new Map();
const order = new Array(${STORE_CAPACITY});
let next = 0;
const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/v1/items', async (request, reply) => {
  const item = { id: randomUUID(), name: request.body.name, description: null, createdAt: new Date().toISOString() };
  if (order[next] !== undefined) items.delete(order[next]);
  order[next] = item.id;
  next = (next + 1) % order.length;
  items.set(item.id, item);
  return reply.code(201).send(item);
});
app.get('/v1/items/:id', async (request, reply) => {
  const item = items.get(request.params.id);
  return item ? item : reply.code(404).send({ error: 'not_found' });
});
await app.listen({ host: process.env.HOST, port: Number(process.env.PORT) });
`,
    );
    return {
      golden: (extraEnv) => startServer('typescript golden', SERVICE_NODE, ['dist/main.js'], { cwd: dir, env: { ...env, ...extraEnv } }),
      bare: () => startServer('typescript bare', SERVICE_NODE, ['server.mjs'], { cwd: bare, env }),
    };
  },

  async go(root) {
    const { dir } = await generate('go', root);
    // As the e2e test and the Dockerfile build it: static, trimmed, stripped.
    const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: [process.env.GOFLAGS, '-trimpath'].filter(Boolean).join(' ') };
    await run('go', ['build', '-ldflags=-s -w', '-o', 'bin/server', '.'], { cwd: dir, env });
    const goLine = readFileSync(join(dir, 'go.mod'), 'utf8').match(/^go (\S+)$/m)?.[1] ?? '1.26.0';
    const bare = join(root, 'bare');
    mkdirSync(bare);
    writeFileSync(join(bare, 'go.mod'), `module bare\n\ngo ${goLine}\n`);
    writeFileSync(
      join(bare, 'main.go'),
      `// ${ITEMS_NOTE}
package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

type item struct {
	ID          string  \`json:"id"\`
	Name        string  \`json:"name"\`
	Description *string \`json:"description"\`
	CreatedAt   string  \`json:"createdAt"\`
}

func main() {
	var mu sync.RWMutex
	items := map[string]item{}
	order := make([]string, ${STORE_CAPACITY})
	next := 0
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(\`{"status":"ok"}\`))
	})
	mux.HandleFunc("POST /v1/items", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Name string \`json:"name"\` }
		json.NewDecoder(r.Body).Decode(&in)
		b := make([]byte, 16)
		rand.Read(b)
		it := item{ID: fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:]), Name: in.Name, CreatedAt: time.Now().UTC().Format(time.RFC3339Nano)}
		mu.Lock()
		if old := order[next]; old != "" {
			delete(items, old)
		}
		order[next] = it.ID
		next = (next + 1) % len(order)
		items[it.ID] = it
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(it)
	})
	mux.HandleFunc("GET /v1/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		mu.RLock()
		it, ok := items[r.PathValue("id")]
		mu.RUnlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(it)
	})
	http.ListenAndServe(net.JoinHostPort(os.Getenv("HOST"), os.Getenv("PORT")), mux)
}
`,
    );
    await run('go', ['build', '-ldflags=-s -w', '-o', 'server', '.'], { cwd: bare, env });
    return {
      golden: (extraEnv) => startServer('go golden', join(dir, 'bin/server'), [], { cwd: dir, env: { ...process.env, ...extraEnv } }),
      bare: () => startServer('go bare', join(bare, 'server'), [], { cwd: bare, env: process.env }),
    };
  },

  async python(root) {
    const { name, dir } = await generate('python', root);
    await run('python3', ['-m', 'venv', '.venv'], { cwd: dir });
    const bin = join(dir, '.venv', 'bin');
    const { PIP_NO_CACHE_DIR: _noCache, PYTHONPATH: _path, ...base } = process.env;
    const env = { ...base, VIRTUAL_ENV: join(dir, '.venv'), PATH: `${bin}:${base.PATH ?? ''}`, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
    const py = join(bin, 'python');
    // The e2e test's wheelhouse: one folder per dev lock file, reused between runs.
    const lock = readFileSync(join(dir, 'requirements-dev.lock'));
    const wheels = join(process.env.PAVED_PYTHON_WHEELHOUSE ?? join(homedir(), '.cache', 'paved', 'python-wheels'), createHash('sha256').update(lock).digest('hex').slice(0, 16));
    if (!existsSync(wheels)) {
      const partial = `${wheels}.partial-${process.pid}`;
      rmSync(partial, { recursive: true, force: true });
      mkdirSync(partial, { recursive: true });
      await run(py, ['-m', 'pip', 'download', '--only-binary=:all:', '--require-hashes', '-r', 'requirements-dev.lock', '-d', partial], { cwd: dir, env });
      if (existsSync(wheels)) rmSync(partial, { recursive: true, force: true });
      else renameSync(partial, wheels);
    }
    await run(py, ['-m', 'pip', 'install', '--no-compile', '--no-index', '--find-links', wheels, '--require-hashes', '-r', 'requirements-dev.lock'], { cwd: dir, env });
    await run(py, ['-m', 'build', '--no-isolation'], { cwd: dir, env });
    const wheel = readdirSync(join(dir, 'dist')).find((file) => file.endsWith('.whl'));
    await run(py, ['-m', 'pip', 'install', '--no-deps', '--no-index', join('dist', wheel)], { cwd: dir, env });
    const bare = join(root, 'bare');
    mkdirSync(bare);
    writeFileSync(
      join(bare, 'bare_app.py'),
      `# ${ITEMS_NOTE}
import uuid
from collections import OrderedDict
from datetime import datetime, timezone

from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()
items: OrderedDict = OrderedDict()


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}


@app.post("/v1/items", status_code=201)
async def create(body: dict):
    item = {"id": str(uuid.uuid4()), "name": body.get("name"), "description": None,
            "createdAt": datetime.now(timezone.utc).isoformat()}
    if len(items) >= ${STORE_CAPACITY}:
        items.popitem(last=False)
    items[item["id"]] = item
    return item


@app.get("/v1/items/{item_id}")
async def get(item_id: str):
    item = items.get(item_id)
    if item is None:
        return JSONResponse({"error": "not_found"}, status_code=404)
    return item
`,
    );
    const bareArgs = ['-c', 'import os, uvicorn; uvicorn.run("bare_app:app", host=os.environ["HOST"], port=int(os.environ["PORT"]), log_level="warning", access_log=False, server_header=False)'];
    return {
      // Started from outside the project so the installed wheel is imported, as in the e2e test.
      golden: (extraEnv) => startServer('python golden', py, ['-m', name], { cwd: join(dir, 'dist'), env: { ...env, ...extraEnv } }),
      bare: () => startServer('python bare', py, bareArgs, { cwd: bare, env }),
    };
  },

  async java(root) {
    const { dir } = await generate('java', root);
    const mvn = ['-B', '-ntp', '-q'];
    // The e2e test runs `mvn verify`; the bench needs the jar only, so the tests are skipped.
    await run('mvn', [...mvn, '-DskipTests', 'package'], { cwd: dir });
    const pom = readFileSync(join(dir, 'pom.xml'), 'utf8');
    const bootVersion = pom.match(/<artifactId>spring-boot-starter-parent<\/artifactId>\s*<version>([^<]+)<\/version>/)?.[1];
    if (!bootVersion) throw new Error('no spring-boot-starter-parent version in the generated pom.xml');
    const bare = join(root, 'bare');
    const pkg = join(bare, 'src/main/java/bench');
    mkdirSync(pkg, { recursive: true });
    // The generated pom without the golden-path extras: parent, web starter, boot plugin.
    writeFileSync(
      join(bare, 'pom.xml'),
      `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>${bootVersion}</version>
    <relativePath/>
  </parent>
  <groupId>bench</groupId>
  <artifactId>bare</artifactId>
  <version>0.0.0</version>
  <properties>
    <java.version>17</java.version>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-webmvc</artifactId>
    </dependency>
  </dependencies>
  <build>
    <finalName>app</finalName>
    <plugins>
      <plugin>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-maven-plugin</artifactId>
      </plugin>
    </plugins>
  </build>
</project>
`,
    );
    writeFileSync(
      join(pkg, 'BareApplication.java'),
      `// ${ITEMS_NOTE}
package bench;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@SpringBootApplication
@RestController
public class BareApplication {
    private final Map<String, Map<String, Object>> items = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<String> order = new AtomicReferenceArray<>(${STORE_CAPACITY});
    private final AtomicLong stored = new AtomicLong();

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(BareApplication.class);
        app.setDefaultProperties(Map.of("server.address", System.getenv("HOST"), "server.port", System.getenv("PORT")));
        app.run(args);
    }

    @GetMapping("/healthz")
    public Map<String, String> healthz() {
        return Map.of("status", "ok");
    }

    @PostMapping("/v1/items")
    public ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", UUID.randomUUID().toString());
        item.put("name", body.get("name"));
        item.put("description", null);
        item.put("createdAt", Instant.now().toString());
        String oldest = order.getAndSet((int) (stored.getAndIncrement() % order.length()), (String) item.get("id"));
        if (oldest != null) items.remove(oldest);
        items.put((String) item.get("id"), item);
        return ResponseEntity.status(HttpStatus.CREATED).body(item);
    }

    @GetMapping("/v1/items/{id}")
    public ResponseEntity<Map<String, Object>> get(@PathVariable("id") String id) {
        Map<String, Object> item = items.get(id);
        return item == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(item);
    }
}
`,
    );
    await run('mvn', [...mvn, 'package'], { cwd: bare });
    return {
      golden: (extraEnv) => startServer('java golden', 'java', ['-jar', 'target/app.jar'], { cwd: dir, env: { ...process.env, ...extraEnv } }),
      // The JIT needs far longer than the other runtimes before the figures settle.
      warmupSeconds: 30,
      bare: () => startServer('java bare', 'java', ['-jar', 'target/app.jar'], { cwd: bare, env: process.env }),
    };
  },
};

// ---------------------------------------------------------------- main
if (argIndex('--no-build') < 0) await run('npm', ['run', 'build', '--silent'], { cwd: repo });
const scratch = mkdtempSync(join(tmpdir(), 'paved-bench-templates-'));
postScript = join(scratch, 'post.lua');
writeFileSync(postScript, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = '{"name":"x"}'\n`);
const rows = [];
const failures = [];
const roots = [];
try {
  for (const template of templates) {
    console.log(`\n== ${template}`);
    const servers = [];
    try {
      const built = Date.now();
      const root = shortRoot();
      roots.push(root);
      const stack = await stacks[template](root);
      console.log(`  built golden + bare in ${((Date.now() - built) / 1000).toFixed(0)} s`);
      // Builds use every CPU; while servers run, this process (which reads their output) stays
      // on the load generator's.
      pinSelf(LOAD_CPU);
      // Start-up one at a time, each on an otherwise idle machine; as shipped (default logging).
      const golden = await stack.golden({});
      servers.push(golden);
      const bare = await stack.bare();
      servers.push(bare);
      console.log(`  start-up: golden ${golden.startupMs.toFixed(0)} ms, bare ${bare.startupMs.toFixed(0)} ms`);
      const summary = await compare([golden, bare], duration, stack.warmupSeconds ?? 3);
      const g = summary.get(golden);
      const b = summary.get(bare);
      for (const kind of ['GET', 'POST']) console.log(`  ${kind} cost as shipped: ${summary.cost[kind].toFixed(1)} % (target <= ${TARGET_COST} %)`);
      const shared = await sharedCpuCost([golden, bare], servers, duration);
      // The control: the bare app against a second copy of itself, measured the same way.
      const control = await stack.bare();
      control.label += ' (control)';
      servers.push(control);
      await warmUpBoth(control, servers, stack.warmupSeconds ?? 3);
      const controlCost = await sharedCpuCost([control, bare], servers, duration);
      control.stop();
      servers.splice(servers.indexOf(control), 1);
      rows.push({ template, logging: 'as shipped', golden, bare, g, b, costs: summary.cost, shared, control: controlCost });
      console.log(`  shared-CPU cost as shipped: GET ${shared.GET.toFixed(1)} %, POST ${shared.POST.toFixed(1)} % (control, bare against bare: GET ${controlCost.GET.toFixed(1)} %, POST ${controlCost.POST.toFixed(1)} %)`);
      // The same service writing an access line for every request, against the same bare one.
      golden.stop();
      servers.splice(servers.indexOf(golden), 1);
      const logged = await stack.golden({ ACCESS_LOG: 'all' });
      servers.push(logged);
      const again = await compare([logged, bare], duration, stack.warmupSeconds ?? 3);
      rows.push({ template, logging: 'ACCESS_LOG=all', golden: logged, bare, g: again.get(logged), b: again.get(bare), costs: again.cost });
    } catch (error) {
      failures.push(`${template}: ${error instanceof Error ? error.message : String(error)}`);
      console.error(`  ${template} not measured: ${failures.at(-1)}`);
    } finally {
      for (const server of servers) server.stop();
      pinSelf(ALL_CPUS);
    }
  }
} finally {
  killAll();
  for (const folder of [scratch, ...roots]) rmSync(folder, { recursive: true, force: true });
}

const fmt = (n) => n.toFixed(0);

console.log(
  `\nwrk, 1 thread, ${CONNECTIONS} connections, ${duration} s per sample, ${ROUNDS} alternating rounds after a warm-up; ` +
    `${PIN ? `server on CPU ${SERVER_CPU}, wrk on CPU ${LOAD_CPU}` : 'not pinned'}; req/s = median of the rounds, p99 = worst round (ms), CPU = the server's CPU time (all threads) per request, median; cost = median over the rounds of 1 - golden/bare req/s, each round's two samples taken back to back`,
);
console.log(
  '\n| template | golden logging | start-up golden / bare (ms) | GET req/s golden / bare | GET p99 golden / bare (ms) | GET CPU µs/req golden / bare | GET cost | POST req/s golden / bare | POST p99 golden / bare (ms) | POST CPU µs/req golden / bare | POST cost |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const { template, logging, golden, bare, g, b, costs } of rows) {
  const kind = (k) =>
    `${fmt(g[k].rps)} / ${fmt(b[k].rps)} | ${g[k].p99.toFixed(1)} / ${b[k].p99.toFixed(1)} | ${g[k].cpuUs.toFixed(1)} / ${b[k].cpuUs.toFixed(1)} | ${costs[k].toFixed(1)} %`;
  console.log(`| ${template} | ${logging} | ${fmt(golden.startupMs)} / ${fmt(bare.startupMs)} | ${kind('GET')} | ${kind('POST')} |`);
}
console.log(
  `\nThe same, golden as shipped, with both servers loaded at once on CPU ${SERVER_CPU} (one wrk each, ${ROUNDS} rounds of ${duration} s): ` +
    'cost = median over the rounds of 1 - bare/golden CPU time per request; control = a second bare app measured against the bare one in the same way (0 % if the method is fair)',
);
console.log('\n| template | GET cost, shared CPU | POST cost, shared CPU | control GET / POST |');
console.log('| --- | --- | --- | --- |');
for (const { template, shared, control } of rows) {
  if (shared) console.log(`| ${template} | ${shared.GET.toFixed(1)} % | ${shared.POST.toFixed(1)} % | ${control.GET.toFixed(1)} / ${control.POST.toFixed(1)} % |`);
}
for (const failure of failures) console.log(`\nNOT MEASURED — ${failure.split('\n')[0]}`);
process.exitCode = failures.length > 0 ? 1 : 0;
