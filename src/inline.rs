//! A short list kept in place while it fits.
//!
//! A check keeps a few scratch lists that are almost always a handful of items long: the
//! skimmed presented certificates, the assembly stack, the positions on a path. A failing
//! check should not pay the allocator for them, so they live inline and move to the heap
//! only past `N` items.

use std::ops::Deref;

/// Up to `N` items of a `Copy` type in place, more on the heap; reads as a slice.
#[derive(Clone, Debug)]
pub(crate) struct InlineVec<T: Copy, const N: usize> {
    /// The items while they fit (the first `len`); the rest of the array is filler.
    inline: [T; N],
    len: usize,
    /// Every item, once there were more than `N` (from then on, even if fewer remain).
    spilled: Option<Vec<T>>,
}

impl<T: Copy, const N: usize> InlineVec<T, N> {
    /// An empty list; `filler` only pads the unused part of the array (no `unsafe` for an
    /// uninitialised one), it is never read as an item.
    pub(crate) fn new(filler: T) -> Self {
        Self {
            inline: [filler; N],
            len: 0,
            spilled: None,
        }
    }

    /// The items of `items`, in order.
    pub(crate) fn collect(filler: T, items: impl IntoIterator<Item = T>) -> Self {
        let mut out = Self::new(filler);
        for item in items {
            out.push(item);
        }
        out
    }

    pub(crate) fn push(&mut self, item: T) {
        if let Some(spilled) = &mut self.spilled {
            spilled.push(item);
        } else if let Some(slot) = self.inline.get_mut(self.len) {
            *slot = item;
            self.len += 1;
        } else {
            let mut spilled = Vec::with_capacity(2 * N.max(1));
            spilled.extend_from_slice(&self.inline);
            spilled.push(item);
            self.spilled = Some(spilled);
        }
    }

    pub(crate) fn pop(&mut self) -> Option<T> {
        if let Some(spilled) = &mut self.spilled {
            return spilled.pop();
        }
        self.len = self.len.checked_sub(1)?;
        self.inline.get(self.len).copied()
    }
}

impl<T: Copy, const N: usize> Deref for InlineVec<T, N> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.spilled {
            Some(spilled) => spilled,
            None => self.inline.get(..self.len).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_the_same_list_before_and_after_spilling() {
        let mut list: InlineVec<u32, 3> = InlineVec::new(0);
        let mut model = Vec::new();
        // Grow past the inline size, shrink to nothing, then grow again.
        for step in 0..20u32 {
            if step % 7 == 6 {
                assert_eq!(list.pop(), model.pop());
            } else {
                list.push(step);
                model.push(step);
            }
            assert_eq!(&*list, model.as_slice(), "after step {step}");
        }
        while let Some(item) = model.pop() {
            assert_eq!(list.pop(), Some(item));
        }
        assert_eq!(list.pop(), None);
        assert!(list.is_empty());
        assert_eq!(&*InlineVec::<u8, 2>::collect(0, [1, 2, 3]), &[1, 2, 3]);
        assert_eq!(&*InlineVec::<u8, 0>::collect(0, [4]), &[4]);
    }
}
