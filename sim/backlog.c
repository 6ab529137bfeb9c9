/* backlog.c — the out-of-line parts of a task's record FIFO (backlog.h). */
#include "backlog.h"

#include <stdlib.h>

void backlog_add_chunk(struct backlog *b)
{
	struct backlog_chunk *c = b->last ? b->last->next : NULL; /* the spare */
	if (!c) {
		c = malloc(sizeof(*c));
		if (!c)
			abort();
		c->next = NULL;
	}
	if (b->last)
		b->last->next = c;
	else
		b->first = c;
	b->last = c;
	b->tail = 0;
}

/* The used-up first chunk (records follow in the next) becomes the spare. */
void backlog_retire(struct backlog *b)
{
	struct backlog_chunk *c = b->first;
	b->first = c->next;
	b->head = 0;
	free(b->last->next);
	b->last->next = c;
	c->next = NULL;
}

void backlog_push_whole(struct backlog *b, const struct trace_record *rec)
{
	if (b->esc_len == b->esc_cap) { /* double, the ring unrolled from esc_head */
		uint32_t cap = b->esc_cap ? b->esc_cap * 2 : 16;
		struct trace_record *v = malloc((size_t)cap * sizeof(*v));
		if (!v)
			abort();
		for (uint32_t i = 0; i < b->esc_len; i++)
			v[i] = b->esc[(b->esc_head + i) & (b->esc_cap - 1)];
		free(b->esc);
		b->esc = v;
		b->esc_cap = cap;
		b->esc_head = 0;
	}
	b->esc[(b->esc_head + b->esc_len++) & (b->esc_cap - 1)] = *rec;
}

const struct trace_record *backlog_esc_head(const struct backlog *b)
{
	sim_assert(b->esc_len);
	return &b->esc[b->esc_head];
}

void backlog_free(struct backlog *b)
{
	while (b->first) {
		struct backlog_chunk *c = b->first;
		b->first = c->next;
		free(c);
	}
	free(b->esc);
	backlog_init(b);
}
