//! The streamed answer of one card, kept so that drawing it costs what arrived, not the whole
//! answer: pieces are appended to the full text (amortised O(1)) and to a pending buffer; the
//! card draws the pending text at most once per animation frame by appending it to the page,
//! never by copying the whole answer into the DOM again (which made a long stream quadratic).

/// Full text plus what the page has not drawn yet.
#[derive(Debug, Default, Clone)]
pub struct StreamText {
    full: String,
    pending: String,
    clear_first: bool,
    scheduled: bool,
}

/// What to draw now.
#[derive(Debug, PartialEq, Eq)]
pub struct Draw {
    /// Empty the drawn answer before appending (a new attempt started).
    pub clear: bool,
    /// Text to append.
    pub append: String,
}

impl StreamText {
    /// Add a piece. Returns true when a redraw must be scheduled (none is pending yet).
    pub fn push(&mut self, piece: &str) -> bool {
        self.full.push_str(piece);
        self.pending.push_str(piece);
        self.schedule()
    }

    /// Start over (the next model of a fallback chain). Returns true when a redraw must be
    /// scheduled.
    pub fn reset(&mut self) -> bool {
        self.full.clear();
        self.pending.clear();
        self.clear_first = true;
        self.schedule()
    }

    fn schedule(&mut self) -> bool {
        !std::mem::replace(&mut self.scheduled, true)
    }

    /// Take what to draw (called from the animation frame, or at the end of an attempt).
    pub fn take_draw(&mut self) -> Draw {
        self.scheduled = false;
        Draw {
            clear: std::mem::take(&mut self.clear_first),
            append: std::mem::take(&mut self.pending),
        }
    }

    /// A freshly mounted view draws everything: nothing is pending after this.
    pub fn take_all(&mut self) -> String {
        self.pending.clear();
        self.clear_first = false;
        self.full.clone()
    }

    /// The whole answer so far.
    pub fn full(&self) -> &str {
        &self.full
    }
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
                append: "abc".into()
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
                append: "x".into()
            }
        );
        assert_eq!(t.take_all(), "x");
        assert_eq!(t.take_draw().append, "");
    }

    #[test]
    fn drawing_a_long_stream_copies_each_byte_once() {
        // 100k pieces, a frame every 50 pieces: bytes handed to the page equal the answer's
        // length (no whole-answer copies per piece).
        let mut t = StreamText::default();
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
    }
}
