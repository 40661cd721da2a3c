import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { test } from 'node:test'
import { freshTopic } from '../helpers/kafka.js'
import { serviceEnv, startService, type ServiceProcess } from '../helpers/service.js'
import { waitFor } from '../helpers/wait.js'

async function readyService(t: { after: (fn: () => Promise<void>) => void }) {
  const service = await startService(t, serviceEnv(await freshTopic(1)))
  await service.ready()
  return service
}

/**
 * Holds the service's HTTP close open: a request whose body has not all arrived keeps its
 * connection busy after the answer, and a closing server waits for busy connections.
 */
async function holdHttpOpen(service: ServiceProcess): Promise<Socket> {
  const socket = connect(service.port, '127.0.0.1')
  let received = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk))
  socket.write('GET /livez HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\n12345')
  await waitFor(() => received.startsWith('HTTP/1.1 200'), 'the held request to be answered')
  return socket
}

test('SIGHUP stops the service gracefully, like SIGTERM', async (t) => {
  const service = await readyService(t)
  const exit = await service.stop('SIGHUP')
  assert.deepEqual(exit, { code: 0, signal: null }, service.dump())
  assert.ok(service.logs.some((l) => l.msg === 'stopping' && l['signal'] === 'SIGHUP'))
  assert.ok(service.logs.some((l) => l.msg === 'stopped'))
})

for (const [first, second] of [
  ['SIGTERM', 'SIGTERM'],
  ['SIGTERM', 'SIGINT'],
] as const) {
  test(
    `${second} during a slow stop after ${first} exits at once with code 1, saying so`,
    { timeout: 60_000 },
    async (t) => {
      const service = await readyService(t)
      const held = await holdHttpOpen(service)
      t.after(() => {
        held.destroy()
      })

      service.signal(first)
      await service.waitForLog((l) => l.msg === 'stopping', 'the stop to begin')
      service.signal(second)
      const exit = await service.exited

      assert.deepEqual(exit, { code: 1, signal: null }, service.dump())
      const lines = service.logs.filter((l) => l.msg === 'stop signal received again, exiting now')
      assert.equal(lines.length, 1, service.dump())
      const [line] = lines
      assert.ok(line)
      assert.equal(line.level, 'error')
      assert.equal(line['signal'], second)
      assert.ok(!service.logs.some((l) => l.msg === 'stopped'), 'the stop did not finish')
    },
  )
}
