"""What the benchmarks' non-blocking HTTP clients share."""


def take_head(buf, chunk):
    """Adds chunk to buf, the bytes of a response received so far, until
    its head is whole. Returns (buf, None, b"") while it is not, else
    (b"", status, the bytes after the head); status is -1 when the status
    line is malformed."""
    buf += chunk
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return buf, None, b""
    head, rest = buf[:end], buf[end + 4:]
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = -1
    return b"", status, rest
