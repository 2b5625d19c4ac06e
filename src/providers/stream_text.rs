//! The streamed answer of one card, kept so that drawing it costs what arrived, not the whole
//! answer: pieces are appended to the full text (amortised O(1)) and to a pending buffer; the
//! card draws the pending text at most once per animation frame by appending it to the page,
//! never by copying the whole answer into the DOM again (which made a long stream quadratic).
//!
//! Only the first [`DISPLAY_LIMIT`] bytes are drawn: laying out a `<pre>` costs time in
//! proportion to its text (measured in Chromium: 0.1–0.3 s per relayout at 256–512 KiB, over 1 s
//! at 4 MiB), so a huge answer would freeze the page however it is appended. The whole answer
//! (up to the provider crate's answer cap) is kept for the export.

/// Bytes of answer drawn on a card (about 64k tokens; longer answers are exported whole).
pub const DISPLAY_LIMIT: usize = 256 * 1024;

/// Full text plus what the page has not drawn yet.
#[derive(Debug, Clone)]
pub struct StreamText {
    full: String,
    pending: String,
    clear_first: bool,
    scheduled: bool,
    drawn: usize,
    limit: usize,
}

impl Default for StreamText {
    fn default() -> Self {
        Self::with_display_limit(DISPLAY_LIMIT)
    }
}

/// What to draw now.
#[derive(Debug, PartialEq, Eq)]
pub struct Draw {
    /// Empty the drawn answer before appending (a new attempt started).
    pub clear: bool,
    /// Text to append.
    pub append: String,
    /// The display limit has been reached: the rest of the answer is not drawn.
    pub clipped: bool,
}

impl StreamText {
    /// Draw at most `limit` bytes.
    pub fn with_display_limit(limit: usize) -> Self {
        Self {
            full: String::new(),
            pending: String::new(),
            clear_first: false,
            scheduled: false,
            drawn: 0,
            limit,
        }
    }

    /// Add a piece. Returns true when a redraw must be scheduled (none is pending yet).
    pub fn push(&mut self, piece: &str) -> bool {
        self.full.push_str(piece);
        // Never buffer more than can still be drawn.
        let room = self.limit.saturating_sub(self.drawn + self.pending.len());
        if room > 0 {
            self.pending.push_str(clip(piece, room));
        }
        self.schedule()
    }

    /// Start over (the next model of a fallback chain). Returns true when a redraw must be
    /// scheduled.
    pub fn reset(&mut self) -> bool {
        self.full.clear();
        self.pending.clear();
        self.drawn = 0;
        self.clear_first = true;
        self.schedule()
    }

    fn schedule(&mut self) -> bool {
        !std::mem::replace(&mut self.scheduled, true)
    }

    /// Take what to draw (called from the animation frame, or at the end of an attempt).
    pub fn take_draw(&mut self) -> Draw {
        self.scheduled = false;
        let append = std::mem::take(&mut self.pending);
        self.drawn += append.len();
        Draw {
            clear: std::mem::take(&mut self.clear_first),
            append,
            clipped: self.full.len() > self.drawn,
        }
    }

    /// A freshly mounted view draws everything drawable: nothing is pending after this.
    pub fn take_all(&mut self) -> String {
        self.pending.clear();
        self.clear_first = false;
        let all = clip(&self.full, self.limit).to_string();
        self.drawn = all.len();
        all
    }

    /// The whole answer so far.
    pub fn full(&self) -> &str {
        &self.full
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_redraw_per_frame_drawing_only_new_text() {
        let mut t = StreamText::default();
        assert!(t.push("a"), "first piece schedules a frame");
        assert!(!t.push("b"), "already scheduled");
        assert!(!t.push("c"));
        assert_eq!(
            t.take_draw(),
            Draw {
                clear: false,
                append: "abc".into(),
                clipped: false,
            }
        );
        assert!(t.push("d"), "after a frame, the next piece schedules again");
        assert_eq!(t.take_draw().append, "d");
        assert_eq!(t.full(), "abcd");
        assert!(t.reset(), "a reset needs a frame too");
        assert!(!t.push("x"), "drawn by the frame the reset scheduled");
        assert_eq!(
            t.take_draw(),
            Draw {
                clear: true,
                append: "x".into(),
                clipped: false,
            }
        );
        assert_eq!(t.take_all(), "x");
        assert_eq!(t.take_draw().append, "");
    }

    #[test]
    fn drawing_a_long_stream_copies_each_byte_once() {
        // 100k pieces, a frame every 50 pieces: bytes handed to the page equal the answer's
        // length (no whole-answer copies per piece).
        let mut t = StreamText::with_display_limit(usize::MAX);
        let mut drawn = 0usize;
        let mut frames = 0usize;
        for i in 0..100_000 {
            t.push("token ");
            if i % 50 == 49 {
                drawn += t.take_draw().append.len();
                frames += 1;
            }
        }
        drawn += t.take_draw().append.len();
        assert_eq!(drawn, 600_000);
        assert_eq!(drawn, t.full().len());
        assert_eq!(frames, 2000);
        // At the default display limit the same stream draws exactly 256 KiB.
        let mut t = StreamText::default();
        let mut drawn = 0usize;
        for i in 0..100_000 {
            t.push("token ");
            if i % 50 == 49 {
                drawn += t.take_draw().append.len();
            }
        }
        let last = t.take_draw();
        drawn += last.append.len();
        assert_eq!(drawn, DISPLAY_LIMIT);
        assert!(last.clipped);
        assert_eq!(t.full().len(), 600_000);
    }

    #[test]
    fn only_the_display_limit_is_drawn_and_the_whole_answer_is_kept() {
        let mut t = StreamText::with_display_limit(10);
        t.push("héllo ");
        t.push("wörld!");
        let d = t.take_draw();
        // 10 bytes: "héllo " is 7, "wö" is 3.
        assert_eq!((d.append.as_str(), d.clipped), ("héllo wö", true));
        t.push("more");
        assert_eq!(t.take_draw().append, "", "nothing more is drawn");
        assert_eq!(t.full(), "héllo wörld!more");
        assert_eq!(t.take_all(), "héllo wö");
        t.reset();
        t.push("ok");
        let d = t.take_draw();
        assert_eq!((d.clear, d.append.as_str(), d.clipped), (true, "ok", false));
    }
}
