package io.qaflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmbeddedRedisTest {

    @Test
    void servesRealRedisCommandsAndComesBackAfterAStop() throws IOException {
        try (EmbeddedRedis redis = EmbeddedRedis.startTemporary()) {
            assertThat(command(redis.port(), "PING")).isEqualTo("+PONG");
            assertThat(command(redis.port(), "SET", "question", "who won")).isEqualTo("+OK");
            assertThat(command(redis.port(), "INCR", "asked")).isEqualTo(":1");
            assertThat(command(redis.port(), "INCR", "asked")).isEqualTo(":2");
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());

            redis.stop();
            assertThatThrownBy(() -> command(redis.port(), "PING")).isInstanceOf(ConnectException.class);

            redis.start();
            assertThat(command(redis.port(), "PING")).isEqualTo("+PONG");
        }
    }

    /** One command in RESP, the first line of the reply. */
    private static String command(int port, String... parts) throws IOException {
        try (var socket = new Socket("127.0.0.1", port)) {
            var request = new StringBuilder("*").append(parts.length).append("\r\n");
            for (String part : parts) {
                request.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(part).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
        }
    }
}
