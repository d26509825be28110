package dev.sqsrouter.s3events;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Image files that are small on disk and huge once decoded, written byte by byte (making them with ImageIO would need
 * the memory they are meant to exhaust).
 */
final class ImageBombs {

    private ImageBombs() {
    }

    /** A 16-bit RGBA PNG of zeros: 8 bytes per pixel once decoded, about a thousandth of that on disk. */
    static byte[] png16BitRgba(int width, int height) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try {
            file.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height)
                    .put((byte) 16).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
            chunk(file, "IHDR", header.array());
            // each row: filter type 0, then width x 4 samples x 2 bytes
            chunk(file, "IDAT", deflatedZeros((long) height * (1 + width * 8L), true));
            chunk(file, "IEND", new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toByteArray();
    }

    /**
     * A little-endian TIFF of one Deflate strip, {@code samples} 16-bit samples per pixel (grey plus extra samples):
     * width x height x samples x 2 bytes once decoded.
     */
    static byte[] tiffManySamples(int width, int height, int samples) {
        byte[] strip = deflatedZeros((long) width * height * samples * 2, true);
        int entries = 11;
        int ifdOffset = 8;
        int ifdSize = 2 + entries * 12 + 4;
        int bitsOffset = ifdOffset + ifdSize;
        int extraOffset = bitsOffset + samples * 2;
        int stripOffset = extraOffset + (samples - 1) * 2;
        ByteBuffer tiff = ByteBuffer.allocate(stripOffset + strip.length).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifdOffset);
        tiff.putShort((short) entries);
        entry(tiff, 256, 4, 1, width);                 // ImageWidth
        entry(tiff, 257, 4, 1, height);                // ImageLength
        entry(tiff, 258, 3, samples, bitsOffset);      // BitsPerSample
        entry(tiff, 259, 3, 1, 8);                     // Compression: Deflate
        entry(tiff, 262, 3, 1, 1);                     // PhotometricInterpretation: BlackIsZero
        entry(tiff, 273, 4, 1, stripOffset);           // StripOffsets
        entry(tiff, 277, 3, 1, samples);               // SamplesPerPixel
        entry(tiff, 278, 4, 1, height);                // RowsPerStrip: one strip
        entry(tiff, 279, 4, 1, strip.length);          // StripByteCounts
        entry(tiff, 284, 3, 1, 1);                     // PlanarConfiguration: chunky
        entry(tiff, 338, 3, samples - 1, extraOffset); // ExtraSamples: unspecified
        tiff.putInt(0);
        for (int i = 0; i < samples; i++) {
            tiff.putShort((short) 16);
        }
        for (int i = 0; i < samples - 1; i++) {
            tiff.putShort((short) 0);
        }
        tiff.put(strip);
        return tiff.array();
    }

    /** The first {@code fraction} of a file: a download cut short, an upload that never finished. */
    static byte[] truncated(byte[] file, double fraction) {
        return Arrays.copyOf(file, (int) (file.length * fraction));
    }

    private static void entry(ByteBuffer tiff, int tag, int type, int count, int value) {
        tiff.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3 && count == 1) {
            tiff.putShort((short) value).putShort((short) 0);
        } else {
            tiff.putInt(value);
        }
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream chunk = new DataOutputStream(out);
        chunk.writeInt(data.length);
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        chunk.write(name);
        chunk.write(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        chunk.writeInt((int) crc.getValue());
    }

    private static byte[] deflatedZeros(long length, boolean zlib) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 16];
        try (DeflaterOutputStream deflating = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION, !zlib))) {
            for (long written = 0; written < length; written += zeros.length) {
                deflating.write(zeros, 0, (int) Math.min(zeros.length, length - written));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
