export { type NatsServer, natsServer } from "../../../sink-nats/test/support/nats-server.js";
