package web

import (
	"context"
	"testing"
	"time"

	"github.com/certboard/certboard/did"
)

func TestDIDDocumentPublishesEveryKey(t *testing.T) {
	s, st := newServer(t)
	s.usePublicURL(t, "https://board.example:8443")
	h := s.Handler()
	if rec := getAs(t, h, "/.well-known/did.json", nil); rec.Code != 503 {
		t.Fatalf("without a key: %d", rec.Code)
	}
	ctx := context.Background()
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	old, err := st.EnsureSigningKey(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := st.NewSigningKey(ctx, nil, t0.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	rec := getAs(t, h, "/.well-known/did.json", nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/did+json" {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	id := "did:web:board.example%3A8443"
	doc, err := did.ParseDocument(rec.Body.Bytes(), id)
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.Body)
	}
	keys, _ := st.SigningKeys(ctx)
	for _, k := range keys {
		pub, err := doc.Key(id + "#" + k.ID)
		if err != nil || !pub.Equal(k.Public) {
			t.Fatalf("key %s: %v", k.ID, err)
		}
	}
	if len(doc.AssertionMethod) != 2 || doc.AssertionMethod[0] != id+"#"+cur || doc.AssertionMethod[1] != id+"#"+old {
		t.Fatalf("assertion methods, newest first: %v", doc.AssertionMethod)
	}
}
