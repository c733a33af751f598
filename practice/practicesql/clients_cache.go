package practicesql

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/sqldb"
)

// A practitioner's list of clients (ClientsOf) shows each client's name,
// pronouns and age, and is sorted and filtered by name, but identities are
// sealed as a whole: listing 10,000 clients opened 10,000 identities on
// every request. listCache keeps, in the process, what a list shows of
// each identity it opened, keyed by client id and version, so that a list
// opens only the identities it has not seen at their current version.
//
// It also keeps each practitioner's whole list, sorted, with the value of
// client_list_generation it was read at (migration 00012): triggers give
// that row a new random value with every change of an assignment or of a
// client, in the changing transaction, so a list is served again only
// while nothing it depends on has changed; otherwise the list is read
// again, opening only the identities changed.
//
// The cache is never authoritative: every list asks the database which
// generation stands, or which clients the practitioner is assigned to and
// at which version each identity is, so access is decided by what is
// committed in SQL, and an identity saved since (its version bumped) is
// opened again. A generation taken by a transaction that rolled back is
// never taken again (128 random bits), so a list read inside it is never
// served. It holds only the
// fields lists show (never contact details or the emergency contact), in
// the memory of the process that holds the keys that open them anyway.
// Reading a record (Client) always opens the row.
//
// A blind index (a keyed hash of each name's words and prefixes, kept in
// a table) was the alternative: it finds the clients a filter names
// without opening them, but the list must still be sorted by name, which
// a keyed hash cannot do, and it leaves in the database which clients
// share a name or a prefix. The cache serves sorting and filtering alike
// and writes nothing more to disk.
type listCache struct {
	mu      sync.Mutex
	entries map[int64]listEntry
	// lists are practitioners' whole lists, sorted, at the generation of
	// client_list_generation they were read at (migration 00012): a list
	// is reused while the generation stands, and the generation changes,
	// by trigger, with every change of an assignment or a client.
	lists map[int64]cachedList
}

// cachedList is a practitioner's list at a generation.
type cachedList struct {
	generation string
	clients    []practice.ClientSummary
}

// maxLists bounds the lists kept (one a practitioner who listed).
const maxLists = 1000

// list returns the list of practitioner at generation, if kept.
func (c *listCache) list(practitioner int64, generation string) ([]practice.ClientSummary, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.lists[practitioner]
	if !ok || l.generation != generation {
		return nil, false
	}
	return slices.Clone(l.clients), true
}

// keepList keeps the list of practitioner at generation.
func (c *listCache) keepList(practitioner int64, generation string, clients []practice.ClientSummary) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lists == nil || len(c.lists) >= maxLists {
		c.lists = map[int64]cachedList{}
	}
	c.lists[practitioner] = cachedList{generation: generation, clients: slices.Clone(clients)}
}

// listEntry is what a list shows of one identity, at a version.
type listEntry struct {
	version                         int
	name, preferred, pronouns, sort string
	born                            date.Date
	created                         time.Time
}

// maxListEntries bounds the cache: past it, it is emptied and fills again
// from the lists read next.
const maxListEntries = 200000

// fillFrom fills in out[i] for each client the cache holds at
// versions[i], with its sort key in keys[i], under one lock, and returns
// the indexes of the others.
func (c *listCache) fillFrom(out []practice.ClientSummary, versions []int, keys []string) (missing []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range out {
		e, ok := c.entries[out[i].ID]
		if !ok || e.version != versions[i] {
			missing = append(missing, i)
			continue
		}
		fill(&out[i], e)
		keys[i] = e.sort
	}
	return missing
}

func (c *listCache) put(id int64, e listEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxListEntries {
		c.entries = map[int64]listEntry{}
	}
	c.entries[id] = e
}

// openChunk is how many identities one query reads for the cache.
const openChunk = 500

// ClientsOf lists the clients a practitioner is assigned to, by name
// (ignoring case, then by id), with whether their latest consent stands:
// ClientNamesOf with ConsentsInForce.
func (tx *Tx) ClientsOf(ctx context.Context, practitionerID int64) ([]practice.ClientSummary, error) {
	out, err := tx.ClientNamesOf(ctx, practitionerID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i, c := range out {
		ids[i] = c.ID
	}
	in, err := tx.ConsentsInForce(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Consented = in[out[i].ID]
	}
	return out, nil
}

// ClientNamesOf lists the clients a practitioner is assigned to, by name
// (ignoring case, then by id), without their consent (Consented false).
// While no assignment or client changed since the practitioner's list was
// last read (client_list_generation stands), it is that list again;
// otherwise it reads the assignments and opens only the identities the
// store's list cache lacks at their current version.
func (tx *Tx) ClientNamesOf(ctx context.Context, practitionerID int64) ([]practice.ClientSummary, error) {
	// The generation is read before the list: a list cached under it is
	// the list at that generation or a later one, never an earlier one.
	var generation string
	if err := tx.QueryRowContext(ctx, "SELECT generation FROM client_list_generation WHERE id = 1").Scan(&generation); err != nil {
		return nil, fmt.Errorf("the generation of client lists: %w", err)
	}
	if l, ok := tx.s.lists.list(practitionerID, generation); ok {
		return l, nil
	}
	sorted, err := tx.namesOf(ctx, tx.Dialect.Rebind(`SELECT c.id, c.version
		FROM client_practitioners cp JOIN clients c ON c.id = cp.client_id WHERE cp.practitioner_id = ?`), practitionerID)
	if err != nil {
		return nil, err
	}
	tx.s.lists.keepList(practitionerID, generation, sorted)
	return sorted, nil
}

// namesOf lists the clients query selects (their id and version), by name
// (ignoring case, then by id), with what lists show of their identities,
// opening only those the list cache lacks at their version.
func (tx *Tx) namesOf(ctx context.Context, query string, args ...any) ([]practice.ClientSummary, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out := []practice.ClientSummary{}
	versions := []int{}
	for rows.Next() {
		var id int64
		var version int
		if err := rows.Scan(&id, &version); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, practice.ClientSummary{ID: id})
		versions = append(versions, version)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	keys := make([]string, len(out))
	missing := tx.s.lists.fillFrom(out, versions, keys)
	for from := 0; from < len(missing); from += openChunk {
		chunk := missing[from:min(from+openChunk, len(missing))]
		if err := tx.openForList(ctx, out, keys, chunk); err != nil {
			return nil, err
		}
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(strings.Compare(keys[a], keys[b]), cmp.Compare(out[a].ID, out[b].ID))
	})
	sorted := make([]practice.ClientSummary, len(out))
	for i, k := range order {
		sorted[i] = out[k]
	}
	return sorted, nil
}

// ConsentsInForce says, for each client of ids, whether their latest
// consent to treatment stands (signed and not withdrawn); a client
// without a consent is absent.
func (tx *Tx) ConsentsInForce(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	for from := 0; from < len(ids); from += openChunk {
		chunk := ids[from:min(from+openChunk, len(ids))]
		list := make([]string, len(chunk))
		for i, id := range chunk {
			list[i] = strconv.FormatInt(id, 10) // numbers, never text
		}
		rows, err := tx.QueryContext(ctx, `SELECT k.client_id, CASE WHEN k.withdrawn_at IS NULL THEN 1 ELSE 0 END FROM consents k
			WHERE k.id IN (SELECT MAX(l.id) FROM consents l WHERE l.client_id IN (`+strings.Join(list, ", ")+`) GROUP BY l.client_id)`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var standing int
			if err := rows.Scan(&id, &standing); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = standing == 1
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// openForList opens the identities of out[i] for each i of which, fills
// them in with their sort keys, and caches them.
func (tx *Tx) openForList(ctx context.Context, out []practice.ClientSummary, keys []string, which []int) error {
	at := make(map[int64]int, len(which))
	ids := make([]string, len(which))
	for k, i := range which {
		at[out[i].ID] = i
		ids[k] = strconv.FormatInt(out[i].ID, 10) // numbers read from the database, not input
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, version, created_at, identity FROM clients WHERE id IN ("+strings.Join(ids, ", ")+")")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var version int
		var sealed string
		var created any
		if err := rows.Scan(&id, &version, &created, &sealed); err != nil {
			return err
		}
		createdAt, err := sqldb.ScanTime(created)
		if err != nil {
			return err
		}
		identity, err := tx.s.openIdentity(id, sealed)
		if err != nil {
			return err
		}
		e := listEntry{version: version, name: identity.Name, preferred: identity.PreferredName, pronouns: identity.Pronouns,
			born: identity.DateOfBirth, created: createdAt, sort: strings.ToLower(identity.Name)}
		i := at[id]
		fill(&out[i], e)
		keys[i] = e.sort
		tx.s.lists.put(id, e)
	}
	return rows.Err()
}

// fill sets what a list shows of a client from a cache entry.
func fill(sum *practice.ClientSummary, e listEntry) {
	sum.Name, sum.PreferredName, sum.Pronouns, sum.DateOfBirth, sum.CreatedAt = e.name, e.preferred, e.pronouns, e.born, e.created
}
