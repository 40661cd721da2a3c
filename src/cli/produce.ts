/**
 * Publishes chat_completed events, for trying the service by hand. `npm run produce -- --help`.
 */
import { parseArgs } from 'node:util'
import { Producer, stringSerializers, type MessageToProduce } from '@platformatic/kafka'
import { loadDotEnv } from '../dotenv.js'
import { errorMessage } from '../errors.js'
import { cliBrokers, cliTopic, kafkaFailure, positiveInt } from './options.js'
import { SAMPLE_EVENT, generatedEvents } from './sample-events.js'

const HELP = `Publishes chat_completed events to Kafka.

  npm run produce                               the original contract's sample event
  npm run produce -- --count 1000 --users 10    generated events, keyed by user id
  npm run produce -- --raw 'not json'           any text as a record value

Options:
  --brokers host:port[,...]  default: $KAFKA_BROKERS, else 127.0.0.1:$LOCAL_KAFKA_PORT (9092)
  --topic NAME               default: $KAFKA_TOPIC, else chat_messages
                             (variables from the environment, else from .env)
  --count N, --users N       generate N events over this many users (default 10 users)
  --raw TEXT                 publish TEXT as it is
  --key KEY                  record key for --raw (default: none)
  --help                     this text`

async function main(): Promise<void> {
  loadDotEnv()
  const { values } = parseArgs({
    options: {
      brokers: { type: 'string' },
      topic: { type: 'string' },
      count: { type: 'string' },
      users: { type: 'string' },
      raw: { type: 'string' },
      key: { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help === true) {
    console.log(HELP)
    return
  }
  if (values.raw !== undefined && (values.count !== undefined || values.users !== undefined)) {
    throw new Error('--raw publishes one record as given; it does not go with --count or --users')
  }
  if (values.raw === undefined && values.key !== undefined) {
    throw new Error('--key goes with --raw; generated events are keyed by their user id')
  }
  const topic = cliTopic(values.topic)
  let messages: MessageToProduce<string, string, string, string>[]
  if (values.raw !== undefined) {
    messages = [
      { topic, value: values.raw, ...(values.key !== undefined ? { key: values.key } : {}) },
    ]
  } else if (values.count !== undefined) {
    const events = generatedEvents(
      positiveInt('count', values.count, 1),
      positiveInt('users', values.users, 10),
    )
    messages = events.map((e) => ({ topic, key: e.user_id, value: JSON.stringify(e) }))
  } else {
    messages = [{ topic, key: SAMPLE_EVENT.user_id, value: JSON.stringify(SAMPLE_EVENT) }]
  }

  const brokers = cliBrokers(values.brokers)
  const producer = new Producer<string, string, string, string>({
    clientId: 'chat-data-service-produce',
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
    // The client retries a whole produce request when one partition in it fails (a fresh topic's
    // leader not elected yet), which rewrites the partitions that had succeeded. With idempotence
    // the broker drops those copies.
    idempotent: true,
    // An idempotent producer otherwise retries without end: an unreachable broker would hang the
    // command. Five retries, a second apart, outlast a fresh topic's leader election.
    retries: 5,
  })
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ messages: messages.slice(i, i + 500) })
    }
    console.log(`published ${messages.length} event(s) to ${topic}`)
  } catch (error) {
    throw new Error(kafkaFailure(brokers, error), { cause: error })
  } finally {
    await producer.close()
  }
}

main().catch((error: unknown) => {
  console.error(`produce: ${errorMessage(error)}`)
  process.exit(1)
})
