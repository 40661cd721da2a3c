import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { migratedClient } from '../helpers/clickhouse.js'
import { testHttpApp } from '../helpers/http.js'

const client = await migratedClient()
let kafkaRunning = false
const { app, repository } = testHttpApp(client, () =>
  Promise.resolve({ clickhouse: true, kafka: kafkaRunning }),
)
after(async () => {
  await app.close()
  await client.close()
})

await repository.insert(
  Array.from({ length: 8 }, (_, i) => ({
    userId: 'u1',
    userMessage: `m${i}`,
    aiResponse: `r${i}`,
    timestampMs: Date.UTC(2025, 10, 7, 9, i),
    eventId: `e${i}`,
    source: { topic: 't', partition: 0, offset: BigInt(i) },
  })),
)

async function get(url: string) {
  const response = await app.inject({ method: 'GET', url })
  return {
    status: response.statusCode,
    type: response.headers['content-type'],
    body: response.json<unknown>(),
  }
}

test('the default limit applies when none is given, and an explicit one up to the maximum', async () => {
  const byDefault = await get('/api/chat/history/u1')
  assert.equal(byDefault.status, 200)
  assert.deepEqual(
    (byDefault.body as { user_message: string }[]).map((e) => e.user_message),
    ['m7', 'm6', 'm5'],
  )
  assert.equal(((await get('/api/chat/history/u1?limit=5')).body as unknown[]).length, 5)
  assert.deepEqual((await get('/api/chat/history/unknown-user')).body, [])
})

for (const [query, detail] of [
  ['limit=0', /limit must be >= 1/],
  ['limit=6', /limit must be <= 5/],
  ['limit=abc', /limit must be a whole number/],
  ['limit=1.5', /limit must be a whole number/],
  ['limit=-1', /limit must be a whole number/],
  ['limit=', /limit/],
  ['limit=0x10', /limit must be a whole number/],
  ['limit=1e2', /limit must be a whole number/],
  ['limit=%2B5', /limit must be a whole number/],
  ['limit=%205', /limit must be a whole number/],
  ['limit=2&limit=3', /limit must be a whole number/],
] as const) {
  test(`a bad limit (${query}) is a 400 problem`, async () => {
    const response = await get(`/api/chat/history/u1?${query}`)
    assert.equal(response.status, 400)
    assert.equal(response.type, 'application/problem+json; charset=utf-8')
    const body = response.body as { type: string; title: string; status: number; detail: string }
    assert.equal(body.status, 400)
    assert.equal(body.title, 'Bad Request')
    assert.match(body.detail, detail)
  })
}

for (const url of ['/api/chat/history/', '/api/chat/history', '/api/chat/history/?limit=2']) {
  test(`an empty user id (${url}) is a 400 problem`, async () => {
    const response = await get(url)
    assert.equal(response.status, 400)
    assert.match((response.body as { detail: string }).detail, /user_id must not be empty/)
  })
}

for (const length of [257, 5000]) {
  test(`a user id of ${length} characters (over 256) is a 400 problem`, async () => {
    const response = await get(`/api/chat/history/${'a'.repeat(length)}`)
    assert.equal(response.status, 400)
    assert.match((response.body as { detail: string }).detail, /user_id/)
  })
}

test('user ids with reserved characters are taken literally', async () => {
  const response = await get(`/api/chat/history/${encodeURIComponent("a/b?c=' OR 1=1")}`)
  assert.equal(response.status, 200)
  assert.deepEqual(response.body, [])
})

test('an unknown route is a 404 problem', async () => {
  const response = await get('/api/chat/nothing?limit=2')
  assert.equal(response.status, 404)
  assert.deepEqual(response.body, {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'no route for GET /api/chat/nothing',
    instance: '/api/chat/nothing',
  })
})

for (const [method, url] of [
  ['POST', '/api/chat/history/u1'],
  ['PUT', '/api/chat/history/'],
  ['DELETE', '/livez'],
  ['PATCH', '/readyz'],
  ['OPTIONS', '/metrics'],
] as const) {
  test(`${method} ${url} (a known path, another method) is a 405 problem with Allow`, async () => {
    const response = await app.inject({ method, url })
    assert.equal(response.statusCode, 405)
    assert.equal(response.headers['allow'], 'GET, HEAD')
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    assert.deepEqual(response.json(), {
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: `${method} is not allowed here (allowed: GET, HEAD)`,
      instance: url,
    })
  })
}

for (const [method, url, contentType, status] of [
  ['POST', '/api/chat/nothing', 'application/json', 404],
  ['POST', '/api/chat/nothing', 'not a media type', 404],
  ['POST', '/livez', 'application/json', 405],
  ['GET', '/livez', 'application/json', 200],
] as const) {
  test(`a body is never parsed: ${method} ${url}, broken ${contentType} body, is a ${status}`, async () => {
    const response = await app.inject({
      method,
      url,
      headers: { 'content-type': contentType },
      payload: '{"not": json',
    })
    assert.equal(response.statusCode, status, response.body)
  })
}

test('readiness follows its checks; liveness does not', async () => {
  kafkaRunning = false
  assert.equal((await get('/readyz')).status, 503)
  kafkaRunning = true
  assert.deepEqual(await get('/readyz'), {
    status: 200,
    type: 'application/json; charset=utf-8',
    body: { status: 'ready', checks: { clickhouse: true, kafka: true } },
  })
  assert.equal((await get('/livez')).status, 200)
})

test('history reads are measured in /metrics', async () => {
  await get('/api/chat/history/u1')
  const response = await app.inject({ method: 'GET', url: '/metrics' })
  assert.match(response.body, /chat_history_query_duration_seconds_count \d+/)
})

for (const path of ['/api/chat/history/%FF%FE', '/api/chat/history/%zz']) {
  test(`a malformed URL (${path}) is a 400 problem naming its path like other 400s`, async () => {
    const response = await get(`${path}?limit=2`)
    assert.equal(response.status, 400)
    assert.equal(response.type, 'application/problem+json; charset=utf-8')
    assert.deepEqual(response.body, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'the URL is not valid',
      instance: path,
    })
  })
}

test('a request line over the HTTP parser limit is a 431 problem', async () => {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null)
  const response = await fetch(
    `http://127.0.0.1:${address.port}/api/chat/history/${'a'.repeat(20_000)}`,
  )
  assert.equal(response.status, 431)
  assert.equal(response.headers.get('content-type'), 'application/problem+json')
  assert.deepEqual(await response.json(), {
    type: 'about:blank',
    title: 'Request Header Fields Too Large',
    status: 431,
    detail: 'the request could not be parsed',
  })
})
