package dev.hourglass;

import java.util.Locale;

/** The operations metrics are kept for. */
enum Op {
    GET,
    GET_ALL,
    PUT_ALL,
    CREATE,
    PUT,
    CREATE_IF_ABSENT,
    MERGE,
    TOUCH,
    GET_AND_TOUCH,
    DELETE,
    COMPARE_AND_SET,
    UPDATE,
    REPLACE,
    FIND_BY_INDEX,
    IDS,
    COUNT,
    STREAM_OPEN,
    STREAM_APPEND,
    STREAM_COMPLETE,
    STREAM_FAIL,
    STREAM_NEXT,
    STREAM_TAKE,
    STREAM_ACK,
    STREAM_READ,
    STREAM_STATE,
    STREAM_DELETE;

    final String tag = name().toLowerCase(Locale.ROOT).replace('_', '-');
}
