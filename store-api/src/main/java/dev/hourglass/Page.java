package dev.hourglass;

import java.util.List;
import java.util.Optional;

/**
 * One page of a cursor: the items and the opaque cursor of the next page, empty at the end. A page
 * may hold fewer items than asked for, even none, before the end.
 */
public record Page<T>(List<T> items, Optional<String> next) {

    public Page {
        items = List.copyOf(items);
    }
}
