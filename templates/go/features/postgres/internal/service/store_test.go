package service

import (
	"context"
	"net/http"
	"testing"
)

func TestItemsLiveInTheDatabase(t *testing.T) {
	ts := newTestService(t)
	created := ts.do(t, "POST", "/v1/items", `{"name":"Widget"}`, nil)
	if created.status != http.StatusCreated {
		t.Fatalf("POST status = %d, body %s", created.status, created.body)
	}
	item := decode[Item](t, created)

	// Another server (another replica) over the same database reads it back,
	// to the microsecond PostgreSQL keeps.
	other := newTestService(t)
	read := other.do(t, "GET", "/v1/items/"+item.ID, "", nil)
	if read.status != http.StatusOK {
		t.Fatalf("GET from another server = %d %s", read.status, read.body)
	}
	if got := decode[Item](t, read); !got.CreatedAt.Equal(item.CreatedAt) || got.Name != "Widget" || got.Description != nil {
		t.Fatalf("read back %+v, created %+v", got, item)
	}
	var name string
	if err := testDatabase(t).QueryRow(context.Background(), "SELECT name FROM items WHERE id = $1", item.ID).Scan(&name); err != nil || name != "Widget" {
		t.Fatalf("items row: %q, %v", name, err)
	}
}

func TestAnIDThatIsNotAUUIDIsNotFound(t *testing.T) {
	ts := newTestService(t)
	for _, id := range []string{"not-a-uuid", "00000000-0000-0000-0000-00000000000g", "{c2017417-141d-44e3-90df-bec20dd4d2a8}", "c2017417-141d-44e3-90df-bec20dd4d2a8"} {
		assertError(t, ts.do(t, "GET", "/v1/items/"+id, "", nil), http.StatusNotFound, codeNotFound)
	}
}
