package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/propagation"
)

// The events this service knows; each type is also the routing key, and
// names the JSON Schema of its data under events/.
const (
	eventItemCreated   = "item.created.v1"   // published when an item is created
	eventItemRejected  = "item.rejected.v1"  // consumed: a downstream service refuses an item
	eventItemWithdrawn = "item.withdrawn.v1" // published: the compensation for a rejection
)

// cloudEventsContentType is the AMQP content type of a CloudEvent in
// structured mode: the message body is the whole event as one JSON
// document, which survives every hop (dead-letter queue, logs, replays).
const cloudEventsContentType = "application/cloudevents+json"

// cloudEvent is a CloudEvents 1.0 event in its JSON form.
type cloudEvent struct {
	SpecVersion     string          `json:"specversion"`
	ID              string          `json:"id"`
	Source          string          `json:"source"`
	Type            string          `json:"type"`
	Subject         string          `json:"subject,omitempty"`
	Time            time.Time       `json:"time"`
	DataContentType string          `json:"datacontenttype,omitempty"`
	Data            json.RawMessage `json:"data"`
}

// itemCreatedData is item.created.v1's data (events/item.created.v1.schema.json).
type itemCreatedData struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description *string   `json:"description"`
	CreatedAt   time.Time `json:"createdAt"`
}

// itemRejectedData is item.rejected.v1's data (events/item.rejected.v1.schema.json).
type itemRejectedData struct {
	ItemID string `json:"itemId"`
	Reason string `json:"reason"`
}

// itemWithdrawnData is item.withdrawn.v1's data (events/item.withdrawn.v1.schema.json).
type itemWithdrawnData struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// maxReasonLength bounds a rejection's reason, as its schema does.
const maxReasonLength = 1000

// enqueue writes an event to the outbox within tx: the relay publishes it
// once tx has committed, and never if tx rolls back. The W3C trace context
// of ctx (the request or message that caused the event) goes with it, so a
// consumer continues the same trace.
func enqueue(ctx context.Context, tx pgx.Tx, source, eventType, subject string, data any) error {
	body, err := json.Marshal(data)
	if err != nil {
		return err
	}
	event := cloudEvent{
		SpecVersion:     "1.0",
		ID:              newID(),
		Source:          source,
		Type:            eventType,
		Subject:         subject,
		Time:            time.Now().UTC(),
		DataContentType: "application/json",
		Data:            body,
	}
	headers := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, headers)
	_, err = tx.Exec(ctx, `INSERT INTO outbox (id, type, event, headers) VALUES ($1, $2, $3, $4)`,
		event.ID, event.Type, event, headers)
	return err
}

// decodeEvent reads a structured-mode CloudEvent, checking the attributes
// every event has.
func decodeEvent(body []byte) (cloudEvent, error) {
	var event cloudEvent
	if err := json.Unmarshal(body, &event); err != nil {
		return cloudEvent{}, fmt.Errorf("the message is not a CloudEvent in JSON: %w", err)
	}
	switch {
	case event.SpecVersion != "1.0":
		return cloudEvent{}, fmt.Errorf("specversion must be 1.0 (got %q)", event.SpecVersion)
	case event.ID == "" || event.Source == "" || event.Type == "":
		return cloudEvent{}, errors.New("id, source and type are required")
	case len(event.Data) == 0:
		return cloudEvent{}, errors.New("data is required")
	}
	return event, nil
}

// decodeItemRejected checks item.rejected.v1's data against its schema
// (events/item.rejected.v1.schema.json): itemId a UUID, reason 1 to
// maxReasonLength characters; other properties are allowed, so producers
// can add some without breaking this consumer.
func decodeItemRejected(data json.RawMessage) (itemRejectedData, error) {
	var fields struct {
		ItemID *string `json:"itemId"`
		Reason *string `json:"reason"`
	}
	if err := json.Unmarshal(data, &fields); err != nil {
		return itemRejectedData{}, fmt.Errorf("%s data: %w", eventItemRejected, err)
	}
	switch {
	case fields.ItemID == nil || !isUUID(*fields.ItemID):
		return itemRejectedData{}, fmt.Errorf("%s data: itemId must be a UUID", eventItemRejected)
	case fields.Reason == nil || *fields.Reason == "" || utf8.RuneCountInString(*fields.Reason) > maxReasonLength:
		return itemRejectedData{}, fmt.Errorf("%s data: reason must be 1 to %d characters", eventItemRejected, maxReasonLength)
	}
	return itemRejectedData{ItemID: *fields.ItemID, Reason: *fields.Reason}, nil
}
