/* actor.c — coroutines resumed by engine events (actor.h).
 *
 * Each actor has an mmap'd stack with a guard page below it and a saved context; the main
 * stack (whoever called engine_run_until) keeps one in the pool.  On x86-64 a context is
 * just a stack pointer: the switch pushes the callee-saved registers, the SSE and x87
 * control words, swaps stack pointers and pops them (no system call, unlike glibc's
 * swapcontext, which saves the signal mask every time); elsewhere it is a ucontext.
 * Switching:
 *   main -> actor   actor_run (first entry) and the "actor" event handler (resume)
 *   actor -> main   actor_sleep / actor_wait, and the end of the actor's function
 * A resume event carries (gen << 32 | id); gen changes at every sleep and every wake, so
 * the timeout of a wait that was woken early, or any other stale event, is ignored.
 * Under AddressSanitizer every switch is announced (__sanitizer_*_switch_fiber) so ASan
 * tracks which stack is live.
 */
#include "actor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if !defined(__x86_64__)
#include <ucontext.h>
#endif
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define ACTOR_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ACTOR_ASAN 1
#endif
#endif
#ifdef ACTOR_ASAN
#include <sanitizer/common_interface_defs.h>
#define ACTOR_STACK (1u << 20)
#else
#define ACTOR_STACK (256u << 10)
#endif

/* ---- saved contexts -------------------------------------------------------------------- */

typedef void (*ctx_entry_fn)(void *arg);

#if defined(__x86_64__)
struct actor_ctx {
	void *sp;
};
/* Save the callee-saved state on the current stack and its pointer in *save_sp, then
 * continue on load_sp (System V AMD64: rbx, rbp, r12-r15, MXCSR, x87 control word). */
void mmsim_ctx_switch(void **save_sp, void *load_sp);
/* First entry of a new context: call r13(r12); a context function never returns. */
void mmsim_ctx_entry(void);
__asm__(".text\n"
	".p2align 4\n"
	".globl mmsim_ctx_switch\n"
	".hidden mmsim_ctx_switch\n"
	".type mmsim_ctx_switch, @function\n"
	"mmsim_ctx_switch:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	subq $8, %rsp\n"
	"	stmxcsr (%rsp)\n"
	"	fnstcw 4(%rsp)\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	ldmxcsr (%rsp)\n"
	"	fldcw 4(%rsp)\n"
	"	addq $8, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size mmsim_ctx_switch, .-mmsim_ctx_switch\n"
	".p2align 4\n"
	".globl mmsim_ctx_entry\n"
	".hidden mmsim_ctx_entry\n"
	".type mmsim_ctx_entry, @function\n"
	"mmsim_ctx_entry:\n"
	"	movq %r12, %rdi\n"
	"	call *%r13\n"
	"	ud2\n"
	".size mmsim_ctx_entry, .-mmsim_ctx_entry\n");

static __attribute__((noinline)) void ctx_swap(struct actor_ctx *from, const struct actor_ctx *to)
{
	mmsim_ctx_switch(&from->sp, to->sp);
}

/* A new context that starts fn(arg) on [stack, stack + size): the frame mmsim_ctx_switch
 * pops, with mmsim_ctx_entry as its return address, the stack 16-byte aligned once it has
 * returned there (so the call into fn sees the ABI's alignment). */
static void ctx_init(struct actor_ctx *c, char *stack, size_t size, ctx_entry_fn fn, void *arg)
{
	uint64_t *top = (uint64_t *)(((uintptr_t)stack + size) & ~(uintptr_t)15);
	uint64_t *sp = top - 8;
	sp[0] = 0x037Full << 32 | 0x1F80; /* x87 control word, MXCSR: their reset values */
	sp[1] = 0;                        /* r15 */
	sp[2] = 0;                        /* r14 */
	sp[3] = (uint64_t)(uintptr_t)fn;  /* r13 */
	sp[4] = (uint64_t)(uintptr_t)arg; /* r12 */
	sp[5] = 0;                        /* rbx */
	sp[6] = 0;                        /* rbp */
	sp[7] = (uint64_t)(uintptr_t)mmsim_ctx_entry;
	c->sp = sp;
}
#else
struct actor_ctx {
	ucontext_t uc;
};

/* The only calls that return twice live in these two, so no caller's locals can be
 * clobbered by them. */
static __attribute__((noinline)) void ctx_swap(struct actor_ctx *from, const struct actor_ctx *to)
{
	if (swapcontext(&from->uc, &to->uc))
		abort();
}

static void ctx_start(unsigned fn_lo, unsigned fn_hi, unsigned arg_lo, unsigned arg_hi)
{
	ctx_entry_fn fn = (ctx_entry_fn)(((uintptr_t)fn_hi << 32) | (uintptr_t)fn_lo);
	fn((void *)(((uintptr_t)arg_hi << 32) | (uintptr_t)arg_lo));
	abort();
}

static __attribute__((noinline)) void ctx_init(struct actor_ctx *c, char *stack, size_t size, ctx_entry_fn fn,
					       void *arg)
{
	if (getcontext(&c->uc))
		abort();
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	uintptr_t f = (uintptr_t)fn, a = (uintptr_t)arg;
	makecontext(&c->uc, (void (*)(void))ctx_start, 4, (unsigned)(f & 0xffffffffu), (unsigned)(f >> 32),
		    (unsigned)(a & 0xffffffffu), (unsigned)(a >> 32));
}
#endif

/* ---- actors ---------------------------------------------------------------------------- */

struct actor {
	struct actor_ctx ctx;
	char *map;         /* guard page + stack */
	size_t map_size;
	actor_fn fn;
	void *arg;
	uint32_t gen;
	uint32_t wq_prev, wq_next; /* links on the wait queue it sleeps on */
	struct waitq *wq;
	bool woken, done, live;
	void *fake_stack;  /* ASan's fake stack of this actor while it is switched out */
	uint32_t free_next;
};

struct actor_pool {
	struct actor **v; /* id - 1 -> actor; actors never move (a ucontext points into itself) */
	uint32_t nr, cap;
	uint32_t free_head; /* dead actors whose stacks are reused */
	uint32_t current;   /* running actor, 0 = main stack */
	unsigned live;
	unsigned handler;
	struct actor_ctx main_ctx;
	void *main_fake_stack;
	const void *main_bottom;
	size_t main_size;
	size_t page; /* sysconf(_SC_PAGESIZE), asked once: every switch names the stack's bounds */
};

/* Out of host memory or address space for a stack: nothing sensible is left to do. */
static _Noreturn void fatal(const char *what)
{
	perror(what);
	abort();
}

static struct actor *actor_of(struct actor_pool *p, uint32_t id)
{
	return p->v[id - 1];
}

static void asan_start(void **save, const void *bottom, size_t size)
{
#ifdef ACTOR_ASAN
	__sanitizer_start_switch_fiber(save, bottom, size);
#else
	(void)save, (void)bottom, (void)size;
#endif
}

static void asan_finish(void *save, const void **bottom, size_t *size)
{
#ifdef ACTOR_ASAN
	__sanitizer_finish_switch_fiber(save, bottom, size);
#else
	(void)save, (void)bottom, (void)size;
#endif
}

static void handle_resume(void *ctx, sim_ns_t now_ns, uint64_t arg);

static struct actor_pool *pool(struct engine *e)
{
	if (!e->actors) {
		struct actor_pool *p = calloc(1, sizeof(*p));
		if (!p)
			fatal("mmsim: actor pool");
		p->handler = engine_register(e, "actor", handle_resume, e);
		p->page = (size_t)sysconf(_SC_PAGESIZE);
		e->actors = p;
	}
	return e->actors;
}

/* ---- switching --------------------------------------------------------------------- */

static void switch_to_actor(struct actor_pool *p, uint32_t id)
{
	struct actor *a = actor_of(p, id);
	sim_assert(p->current == 0);
	p->current = id;
	asan_start(&p->main_fake_stack, a->map + p->page, a->map_size - p->page);
	ctx_swap(&p->main_ctx, &a->ctx);
	asan_finish(p->main_fake_stack, NULL, NULL);
	p->current = 0;
	if (a->done) { /* returned: its stack goes back to the pool */
		a->live = false;
		p->live--;
		a->free_next = p->free_head;
		p->free_head = id;
	}
}

static void switch_to_main(struct actor_pool *p, struct actor *a)
{
	/* A finished actor's fake stack is released (NULL), a sleeping one's kept. */
	asan_start(a->done ? NULL : &a->fake_stack, p->main_bottom, p->main_size);
	ctx_swap(&a->ctx, &p->main_ctx);
	asan_finish(a->fake_stack, &p->main_bottom, &p->main_size);
}

static void trampoline(void *arg)
{
	struct actor_pool *p = arg;
	struct actor *a = actor_of(p, p->current);
	asan_finish(NULL, &p->main_bottom, &p->main_size);
	a->fn(a->arg);
	a->done = true;
	switch_to_main(p, a);
	abort(); /* a finished actor is never resumed */
}

/* ---- the API ------------------------------------------------------------------------ */

static uint32_t new_actor(struct actor_pool *p)
{
	if (p->free_head) {
		uint32_t id = p->free_head;
		p->free_head = actor_of(p, id)->free_next;
		return id;
	}
	if (p->nr == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 16;
		struct actor **v = realloc(p->v, cap * sizeof(*v));
		if (!v)
			fatal("mmsim: actor stack");
		p->v = v;
		p->cap = cap;
	}
	struct actor *a = calloc(1, sizeof(*a));
	if (!a)
		fatal("mmsim: actor stack");
	size_t page = p->page;
	a->map_size = ACTOR_STACK + page;
	a->map = mmap(NULL, a->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		      -1, 0);
	if (a->map == MAP_FAILED)
		fatal("mmsim: actor stack");
	if (mprotect(a->map, page, PROT_NONE)) /* guard page: an overflow faults */
		fatal("mmsim: actor stack");
	p->v[p->nr++] = a;
	return p->nr;
}

bool actor_run(struct engine *e, actor_fn fn, void *arg)
{
	struct actor_pool *p = pool(e);
	sim_assert(p->current == 0);
	uint32_t id = new_actor(p);
	struct actor *a = actor_of(p, id);
	size_t page = p->page;
	a->fn = fn;
	a->arg = arg;
	a->done = a->woken = false;
	a->live = true;
	a->wq = NULL;
	a->wq_prev = a->wq_next = 0;
	a->fake_stack = NULL;
	a->gen++;
	p->live++;
	ctx_init(&a->ctx, a->map + page, a->map_size - page, trampoline, p);
	switch_to_actor(p, id);
	return a->done || !a->live;
}

bool actor_running(const struct engine *e)
{
	return e->actors && e->actors->current != 0;
}

unsigned actor_nr_live(const struct engine *e)
{
	return e->actors ? e->actors->live : 0;
}

static uint64_t resume_arg(uint32_t id, uint32_t gen)
{
	return (uint64_t)gen << 32 | id;
}

static void handle_resume(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	(void)now_ns;
	struct engine *e = ctx;
	struct actor_pool *p = e->actors;
	uint32_t id = (uint32_t)arg, gen = (uint32_t)(arg >> 32);
	if (!id || id > p->nr)
		return;
	struct actor *a = actor_of(p, id);
	if (!a->live || a->done || a->gen != gen)
		return; /* stale: woken early, or the actor went on */
	switch_to_actor(p, id);
}

static struct actor *current_actor(struct engine *e)
{
	sim_assert(actor_running(e));
	return actor_of(e->actors, e->actors->current);
}

static sim_ns_t after(const struct engine *e, sim_ns_t ns)
{
	return e->now_ns > UINT64_MAX - ns ? UINT64_MAX : e->now_ns + ns;
}

void actor_sleep(struct engine *e, sim_ns_t ns)
{
	struct actor *a = current_actor(e);
	struct actor_pool *p = e->actors;
	a->gen++;
	engine_schedule(e, after(e, ns), p->handler, resume_arg(p->current, a->gen));
	switch_to_main(p, a);
}

static void wq_unlink(struct actor_pool *p, struct waitq *q, uint32_t id)
{
	struct actor *a = actor_of(p, id);
	if (a->wq_prev)
		actor_of(p, a->wq_prev)->wq_next = a->wq_next;
	else
		q->head = a->wq_next;
	if (a->wq_next)
		actor_of(p, a->wq_next)->wq_prev = a->wq_prev;
	else
		q->tail = a->wq_prev;
	a->wq_prev = a->wq_next = 0;
	a->wq = NULL;
	q->nr--;
}

bool actor_wait(struct engine *e, struct waitq *q, sim_ns_t timeout_ns)
{
	struct actor *a = current_actor(e);
	struct actor_pool *p = e->actors;
	uint32_t id = p->current;
	a->woken = false;
	a->wq = q;
	a->wq_next = 0;
	a->wq_prev = q->tail;
	if (q->tail)
		actor_of(p, q->tail)->wq_next = id;
	else
		q->head = id;
	q->tail = id;
	q->nr++;
	a->gen++;
	if (timeout_ns != ACTOR_NO_TIMEOUT)
		engine_schedule(e, after(e, timeout_ns), p->handler, resume_arg(id, a->gen));
	switch_to_main(p, a);
	if (!a->woken && a->wq) /* timed out: still on the queue */
		wq_unlink(p, a->wq, id);
	return a->woken;
}

unsigned waitq_wake(struct engine *e, struct waitq *q, unsigned max)
{
	struct actor_pool *p = e->actors;
	unsigned n = 0;
	while (q->head && n < max) {
		uint32_t id = q->head;
		struct actor *a = actor_of(p, id);
		wq_unlink(p, q, id);
		a->woken = true;
		a->gen++;
		engine_schedule(e, e->now_ns, p->handler, resume_arg(id, a->gen));
		n++;
	}
	return n;
}

void actor_pool_destroy(struct engine *e)
{
	struct actor_pool *p = e->actors;
	if (!p)
		return;
	for (uint32_t i = 0; i < p->nr; i++) {
		munmap(p->v[i]->map, p->v[i]->map_size);
		free(p->v[i]);
	}
	free(p->v);
	free(p);
	e->actors = NULL;
}
