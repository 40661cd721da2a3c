/**
 * Creates the topic if it is missing: `npm run create-topic -- [--partitions 4]`.
 * Flags: --brokers, --topic, --partitions (default 4).
 */
import { parseArgs } from 'node:util'
import { loadDotEnv } from '../dotenv.js'
import { ensureTopic } from '../kafka/topics.js'
import { errorMessage } from '../errors.js'
import { cliBrokers, cliTopic, kafkaFailure, positiveInt } from './options.js'

try {
  loadDotEnv()
  const { values } = parseArgs({
    options: {
      brokers: { type: 'string' },
      topic: { type: 'string' },
      partitions: { type: 'string' },
    },
  })
  const topic = cliTopic(values.topic)
  const partitions = positiveInt('partitions', values.partitions, 4)
  const brokers = cliBrokers(values.brokers)
  const created = await ensureTopic(brokers, topic, partitions).catch((error: unknown) => {
    throw new Error(kafkaFailure(brokers, error), { cause: error })
  })
  console.log(
    created ? `created topic ${topic} (${partitions} partitions)` : `topic ${topic} exists`,
  )
} catch (error) {
  console.error(`create-topic: ${errorMessage(error)}`)
  process.exit(1)
}
