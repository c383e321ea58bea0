package io.jshm.queue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.util.Map;
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

    @Test
    void spscHotPathsAreWithinTheInliningLimit() throws IOException {
        ClassModel model;
        try (InputStream in = SharedQueue.class.getResourceAsStream("SharedQueue.class")) {
            model = ClassFile.of().parse(in.readAllBytes());
        }
        Map<String, Integer> sizes = new TreeMap<>();
        for (MethodModel method : model.methods()) {
            String name = method.methodName().stringValue();
            if (name.equals("offerSpsc") || name.equals("reserveSpsc") || name.equals("pollSpsc")
                    || name.equals("deliver") || name.equals("checkRecord") || name.equals("publishTail")
                    || name.equals("looksFull") || name.equals("release") || name.equals("offer")
                    || name.equals("poll") || name.equals("pollHead")) {
                method.findAttribute(java.lang.classfile.Attributes.code()).map(CodeAttribute::codeLength)
                        .ifPresent(length -> sizes.merge(name + method.methodType().stringValue(), length, Math::max));
            }
        }
        assertThat(sizes).as("the hot paths found").hasSizeGreaterThanOrEqualTo(11);
        assertThat(sizes).allSatisfy((method, length) ->
                assertThat(length).as("%s: bytes of bytecode", method).isLessThanOrEqualTo(FREQ_INLINE_SIZE));
    }
}
