package service

import (
	"context"
	"testing"
)

func TestItemStoreIsBounded(t *testing.T) {
	ctx := context.Background()
	store := newItemStore(2)
	var ids []string
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		item, err := store.create(ctx, name, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, item.ID)
	}
	for i, id := range ids {
		_, found, err := store.get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if evicted := i < 3; found == evicted {
			t.Fatalf("item %d: found = %v, want %v (the store keeps the newest two)", i, found, !evicted)
		}
	}
}
