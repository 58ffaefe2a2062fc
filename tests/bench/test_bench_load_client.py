"""The load generator's HTTP client: a request given up must not leave its answer to the next one."""

from __future__ import annotations

import asyncio

from bench.load.client import Connection


def test_a_timed_out_request_does_not_hand_its_late_answer_to_the_next() -> None:
    answered = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal answered
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                answered += 1
                body = f"answer {answered}".encode()
                if answered == 1:
                    await asyncio.sleep(0.3)  # slower than the client waits
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client closed the connection

    async def scenario() -> tuple[int, bytes]:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        connection = Connection("127.0.0.1", server.sockets[0].getsockname()[1], {})
        try:
            try:
                await asyncio.wait_for(connection.get("/api/search", {"q": "盗窃"}), 0.1)
            except TimeoutError:
                pass
            return await connection.get("/api/search", {"q": "被告人"})
        finally:
            await connection.close()
            server.close()

    assert asyncio.run(scenario()) == (200, b"answer 2")
