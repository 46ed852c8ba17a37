package dev.paved.service.events;

import dev.paved.service.config.EventsConfig;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;

/**
 * The broker objects this service declares at start-up (and again after each reconnection, as
 * Spring's RabbitAdmin does): the durable topic exchange, this service's quorum queue with a
 * delivery limit and a dead-letter route, bound to the events it consumes, and the dead-letter
 * queue. Declarations are idempotent, so every replica makes them.
 */
public final class EventsTopology {

    private EventsTopology() {}

    /**
     * The declarations for a configuration.
     *
     * @param config the exchange, queue and delivery limit
     * @return exchange, queues and binding
     */
    public static Declarables declarables(EventsConfig config) {
        TopicExchange exchange = new TopicExchange(config.exchange(), true, false);
        Queue queue =
                QueueBuilder.durable(config.queue())
                        .quorum()
                        .deliveryLimit(config.maxAttempts())
                        .withArgument("x-dead-letter-exchange", "")
                        .withArgument("x-dead-letter-routing-key", config.deadLetterQueue())
                        .build();
        Queue deadLetters = QueueBuilder.durable(config.deadLetterQueue()).quorum().build();
        Binding rejected = BindingBuilder.bind(queue).to(exchange).with(EventTypes.ITEM_REJECTED);
        return new Declarables(exchange, queue, deadLetters, rejected);
    }
}
