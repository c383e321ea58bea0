package io.jshm.queue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SPSC hot paths stay small enough for HotSpot to inline into their callers: a hot method of
 * more than 325 bytes of bytecode ({@code -XX:FreqInlineSize}) is called, not inlined, and that
 * call and the values it no longer shares with its caller cost a few percent of a stream's rate
 * (decision 52: counting padding inside {@code pollSpsc} took it to 337 bytes and 4 KiB streams
 * to 0.91-0.96 of their rate). Rare work goes in methods of its own.
 */
class HotPathSizeTest {

    static final int FREQ_INLINE_SIZE = 325;
    /** The methods an SPSC or MPSC offer or poll runs on every message (with their overloads). */
    static final Set<String> HOT = Set.of("offer", "offerSpsc", "offerMpsc", "reserveSpsc", "reserveMpsc", "looksFull",
            "publishTail", "poll", "pollHead", "pollSpsc", "pollMpsc", "deliver", "checkRecord", "release", "releaseMpsc");

    @Test
    void hotPathsAreWithinTheInliningLimit() throws IOException {
        ClassModel model;
        try (InputStream in = SharedQueue.class.getResourceAsStream("SharedQueue.class")) {
            model = ClassFile.of().parse(in.readAllBytes());
        }
        Map<String, Integer> sizes = new TreeMap<>();
        for (MethodModel method : model.methods()) {
            String name = method.methodName().stringValue();
            if (HOT.contains(name)) {
                method.findAttribute(Attributes.code()).map(CodeAttribute::codeLength)
                        .ifPresent(length -> sizes.put(name + method.methodType().stringValue(), length));
            }
        }
        assertThat(sizes.keySet().stream().map(m -> m.substring(0, m.indexOf('('))).distinct())
                .as("the hot paths found").containsExactlyInAnyOrderElementsOf(HOT);
        assertThat(sizes).allSatisfy((method, length) ->
                assertThat(length).as("%s: bytes of bytecode", method).isLessThanOrEqualTo(FREQ_INLINE_SIZE));
    }
}
