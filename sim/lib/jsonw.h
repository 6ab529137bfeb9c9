/* jsonw.h — the one JSON text writer: string escaping, numbers, nesting and indentation
 * for summary.json and the config echo inside it.
 *
 * Layout: a container is either indented (each member on its own line, two spaces deeper
 * than the line that opened it, the closing bracket back on that line's indent) or inline
 * ({"count": 4, "mean_ns": 5.500} on one line).  An empty container is "{}" / "[]".
 *
 * Strings are RFC 8259 strings of well-formed UTF-8: \" \\ \n \t \r as short escapes;
 * control characters, DEL, C1 controls, U+2028/U+2029 (which YAML folds as line breaks),
 * the BOM and U+FFFE/U+FFFF (which YAML refuses raw) as \u escapes, so the config echo
 * loads back as YAML; bytes that are not well-formed UTF-8 become U+FFFD.
 *
 * Invariant: depth == number of open containers; level[d].nr == members written in the
 * container at depth d+1; key_pending only right after jsonw_key.
 *
 * Use:
 *	struct jsonw w;
 *	jsonw_init(&w, fp, 0);
 *	jsonw_object(&w);
 *	jsonw_key(&w, "seed");  jsonw_u64(&w, 42);
 *	jsonw_key(&w, "lat");   jsonw_object_inline(&w);
 *	jsonw_key(&w, "mean");  jsonw_printf(&w, "%.3f", 5.5);
 *	jsonw_end(&w);          jsonw_end(&w);
 */
#ifndef MMSIM_LIB_JSONW_H
#define MMSIM_LIB_JSONW_H

#include <stdio.h>

#include "../common.h"

#define JSONW_MAX_DEPTH 16

struct jsonw {
	FILE *fp;
	int indent; /* indent of the line the outermost container opens on */
	unsigned depth;
	bool key_pending;
	struct {
		bool is_inline;
		char close;
		unsigned nr;
	} level[JSONW_MAX_DEPTH];
};

/* A writer on fp whose outermost value starts on a line indented by indent spaces. */
void jsonw_init(struct jsonw *w, FILE *fp, int indent);

/* Open a container as the next value. */
void jsonw_object(struct jsonw *w);
void jsonw_object_inline(struct jsonw *w);
void jsonw_array(struct jsonw *w);
/* Close the innermost container. */
void jsonw_end(struct jsonw *w);

/* The next member's name (inside an object); its value follows. */
void jsonw_key(struct jsonw *w, const char *key);
/* The same from the first len bytes of key. */
void jsonw_keyn(struct jsonw *w, const char *key, size_t len);

/* Values. */
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_u64(struct jsonw *w, uint64_t v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* A number formatted by the caller (e.g. "%.3f"); the text must be a JSON number. */
void jsonw_printf(struct jsonw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text that may be a number ("27", "+5", "0.5"): a JSON number when it reads as a finite
 * decimal one (normalised when the JSON grammar would refuse its spelling), otherwise a
 * string ("0x10", "inf", "1e999"). */
void jsonw_number_text(struct jsonw *w, const char *s);
/* Hand the stream to a writer of one complete value (a nested document): returns the
 * FILE and the indent its lines should use. */
FILE *jsonw_external(struct jsonw *w, int *indent);

/* Write s as a JSON string to fp (no layout), for callers with no writer. */
void jsonw_write_string(FILE *fp, const char *s);

#endif
