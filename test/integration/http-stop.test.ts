import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, test } from 'node:test'
import type { ReadinessChecks } from '../../src/http/routes/health.js'
import { migratedClient } from '../helpers/clickhouse.js'
import { testHttpApp } from '../helpers/http.js'
import { waitFor } from '../helpers/wait.js'

const client = await migratedClient()
after(() => client.close())

interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** Splits what a connection received into its HTTP/1.1 responses (bodies by Content-Length). */
function parseResponses(raw: string): RawResponse[] {
  const responses: RawResponse[] = []
  let rest = raw
  while (rest !== '') {
    const headEnd = rest.indexOf('\r\n\r\n')
    assert.ok(headEnd > 0, `a complete response head in ${JSON.stringify(rest)}`)
    const [statusLine = '', ...lines] = rest.slice(0, headEnd).split('\r\n')
    const headers = Object.fromEntries(
      lines.map((line) => {
        const colon = line.indexOf(':')
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]
      }),
    )
    const length = Number(headers['content-length'])
    const bodyStart = headEnd + 4
    responses.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.slice(bodyStart, bodyStart + length),
    })
    rest = rest.slice(bodyStart + length)
  }
  return responses
}

/** A promise and the function that resolves it. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

test('a request that arrives while the server closes gets a 503 problem and Connection: close', async (t) => {
  // Readiness hangs until released, holding the first request, and with it the connection, open.
  const readinessAsked = deferred()
  const readiness = deferred<ReadinessChecks>()
  const { app } = testHttpApp(client, () => {
    readinessAsked.resolve()
    return readiness.promise
  })
  // The refusal queues behind the first response, so the client cannot see it yet; this can.
  let refused = false
  app.addHook('onSend', (_request, reply, payload, done) => {
    refused ||= reply.statusCode === 503
    done(null, payload)
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null)

  const socket = connect(address.port, '127.0.0.1')
  let received = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk))
  const socketClosed = new Promise((resolve) => socket.once('close', resolve))
  t.after(() => {
    readiness.resolve({ clickhouse: true, kafka: true })
    socket.destroy()
  })
  socket.write('GET /readyz HTTP/1.1\r\nHost: test\r\n\r\n')
  await readinessAsked.promise

  const appClosed = app.close()
  await waitFor(() => !app.server.listening, 'the server to stop listening')
  socket.write('GET /api/chat/history/u1 HTTP/1.1\r\nHost: test\r\n\r\n')
  await waitFor(() => refused, 'the second request to be refused', 10_000)
  readiness.resolve({ clickhouse: true, kafka: true })
  await socketClosed
  await appClosed

  const [first, second] = parseResponses(received)
  assert.equal(first?.status, 200, 'the request in flight is finished')
  assert.ok(second)
  assert.equal(second.status, 503)
  assert.equal(second.headers['content-type'], 'application/problem+json; charset=utf-8')
  assert.equal(second.headers['connection'], 'close')
  assert.deepEqual(JSON.parse(second.body), {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail: 'the service is stopping; try again',
    instance: '/api/chat/history/u1',
  })
})
