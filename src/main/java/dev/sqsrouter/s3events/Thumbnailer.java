package dev.sqsrouter.s3events;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import dev.sqsrouter.failure.BusinessFailureException;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The thumbnail flow's Java steps (routes/s3-record-thumbnail.yaml), all of them pure image and naming work: the
 * route reads the object and writes the thumbnail with the aws2-s3 component. Reads the object's stream under a size
 * cap, decodes it with ImageIO, scales it so that its longer side is at most the configured size, and encodes it in
 * the same format (PNG when ImageIO cannot write that format), named prefix + source key, with user metadata naming
 * its source.
 * <p>
 * A thumbnail never causes another: keys under the thumbnail prefix of the thumbnail bucket are skipped, and so is
 * any object that carries the source metadata, whatever the notification filters let through.
 * <p>
 * Refusals (a {@link BusinessFailureException}: this record in the failure store, not retried): an object that is
 * gone, too large, or not a decodable image, and a key the S3 component would read as an expression. Any other S3 or
 * I/O error is thrown as it is (retried, then the message is kept in SQS). A record done again (its message came
 * back) writes the same bytes again.
 */
public class Thumbnailer {

    /** User metadata on every thumbnail: bucket/key of its source, the key form-encoded as S3 events encode keys. */
    public static final String SOURCE_METADATA = "thumbnail-of";
    /** Exchange property that keeps the record at hand while the body becomes the object, then the thumbnail. */
    public static final String RECORD = "sqsrouter.s3Record";
    private static final Logger LOG = LoggerFactory.getLogger(Thumbnailer.class);
    private static final String FALLBACK_FORMAT = "png";
    /** Formats whose readers decode row by row into the subsampled image, with no full-size buffer. */
    private static final Set<String> ROW_DECODERS = Set.of("png", "jpeg", "gif", "bmp", "wbmp");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "png", "image/png", "jpeg", "image/jpeg", "gif", "image/gif", "bmp", "image/bmp");

    private final String bucket;
    private final String prefix;
    private final long maxBytes;
    private final int size;
    private final long maxPixels;
    private final long maxDecodedBytes;
    private final DecodeMemory decodeMemory;

    /**
     * @param bucket    where thumbnails go
     * @param prefix    the key prefix of every thumbnail
     * @param maxBytes  larger objects are refused (read into memory to decode)
     * @param size      the longer side of a thumbnail, in pixels
     * @param maxPixels larger images are refused before decoding (a small file can declare a huge image)
     * @param maxDecodedBytes images that would take more memory to decode (at reduced resolution) are refused
     * @param decodeMemory    the memory the decodes running at once share
     */
    public Thumbnailer(String bucket, String prefix, long maxBytes, int size, long maxPixels, long maxDecodedBytes,
            DecodeMemory decodeMemory) {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("s3events.thumbnail.bucket is empty: name the bucket thumbnails are written to");
        }
        if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("s3events.thumbnail.max-bytes must be between 1 and " + (Integer.MAX_VALUE - 16)
                    + ", not " + maxBytes);
        }
        if (size <= 0) {
            throw new IllegalArgumentException("s3events.thumbnail.size must be a positive number of pixels, not " + size);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("s3events.thumbnail.max-pixels must be positive, not " + maxPixels);
        }
        if (readAsExpression(prefix)) {
            throw new IllegalArgumentException("s3events.thumbnail.prefix (" + prefix + ") holds '${': the S3 component would"
                    + " evaluate every thumbnail key as an expression. Choose a prefix without it");
        }
        this.bucket = bucket.trim();
        this.prefix = prefix == null ? "" : prefix.trim();
        this.maxBytes = maxBytes;
        this.size = size;
        this.maxPixels = maxPixels;
        if (maxDecodedBytes <= 0 || maxDecodedBytes > decodeMemory.bytes()) {
            throw new IllegalArgumentException("s3events.thumbnail.max-decoded-bytes (" + maxDecodedBytes + ") must be positive"
                    + " and at most s3events.thumbnail.decode-memory (" + decodeMemory.bytes() + ")");
        }
        this.maxDecodedBytes = maxDecodedBytes;
        this.decodeMemory = decodeMemory;
    }

    /** Under the thumbnail prefix of the thumbnail bucket: written by this flow. */
    public boolean isThumbnail(@Body S3EventRecord record) {
        boolean thumbnail = bucket.equals(record.bucket()) && record.key().startsWith(prefix);
        if (thumbnail) {
            LOG.debug("{} is a thumbnail itself: skipped", record.location());
        }
        return thumbnail;
    }

    /**
     * The get-object step's request: the object of the record, in the version the event names (a later overwrite has
     * its own event). Refuses what the event already shows cannot get a thumbnail.
     */
    public GetObjectRequest sourceRequest(@Body S3EventRecord record) {
        if (record.size() != null && record.size() > maxBytes) {
            throw tooLarge(record, record.size());
        }
        if (readAsExpression(record.key())) {
            // aws2-s3 evaluates a key that holds ${ as a Simple expression: written, it would land elsewhere
            throw new BusinessFailureException("object " + record.location() + ": its key holds '${', which the S3"
                    + " component would evaluate as an expression in the thumbnail's key: no thumbnail", null, null);
        }
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(record.bucket()).key(record.key());
        if (record.versionId() != null) {
            get.versionId(record.versionId());
        }
        return get.build();
    }

    /** The get-object step met a 404 (NoSuchKey, NoSuchVersion, NoSuchBucket): the object is gone, and a retry finds it gone too. */
    public void sourceGone(@ExchangeProperty(RECORD) S3EventRecord record,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) S3Exception notFound) {
        String code = notFound.awsErrorDetails() != null ? notFound.awsErrorDetails().errorCode() : "404";
        throw new BusinessFailureException("object " + record.location()
                + (record.versionId() != null ? " version " + record.versionId() : "") + " is gone (" + code
                + "): no thumbnail", 404, notFound.getMessage());
    }

    /**
     * The object's bytes from the get-object step's stream, read under s3events.thumbnail.max-bytes whatever the event
     * said; or null when the object carries the source metadata (a thumbnail itself). The stream is closed either way.
     */
    public byte[] readSource(@Body ResponseInputStream<GetObjectResponse> object, @ExchangeProperty(RECORD) S3EventRecord record) {
        try (object) {
            GetObjectResponse response = object.response();
            if (response.metadata().containsKey(SOURCE_METADATA)) {
                object.abort();
                LOG.debug("{} carries {} (a thumbnail): skipped", record.location(), SOURCE_METADATA);
                return null;
            }
            Long length = response.contentLength();
            if (length != null && length > maxBytes) {
                object.abort();
                throw tooLarge(record, length);
            }
            byte[] bytes = object.readNBytes((int) maxBytes + 1);
            if (bytes.length > maxBytes) {
                object.abort();
                throw tooLarge(record, bytes.length);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + record.location() + " from S3 failed", e);
        }
    }

    /** The thumbnail of the image: what the put-thumbnail step writes, and where. */
    public Thumbnail thumbnail(@Body byte[] image, @ExchangeProperty(RECORD) S3EventRecord record) {
        BufferedImage source;
        String format;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
            ImageReader reader = readerNamedByTheKey(in, record);
            try {
                reader.setInput(in, true, true);
                format = reader.getFormatName().toLowerCase(Locale.ROOT);
                source = decodeSmall(reader, record, format);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BusinessFailureException business) {
                throw business;
            }
            if (e instanceof DecodeMemory.Interrupted interrupted) {
                throw interrupted;
            }
            // the bytes are all in memory: a decoding error is the content, not the network
            throw notAnImage(record, "decoding failed: " + e);
        }
        String outputFormat = writerFor(format) != null ? format : FALLBACK_FORMAT;
        BufferedImage scaled = scale(source, size, !"jpeg".equals(outputFormat) && !"bmp".equals(outputFormat));
        byte[] bytes = encode(scaled, outputFormat);
        String key = thumbnailKey(record.key(), outputFormat);
        LOG.debug("thumbnail of {} for {}/{}: {}x{}, {} bytes", record.location(), bucket, key, scaled.getWidth(),
                scaled.getHeight(), bytes.length);
        return new Thumbnail(key, CONTENT_TYPES.getOrDefault(outputFormat, "application/octet-stream"),
                Map.of(SOURCE_METADATA, sourceOf(record)), bytes);
    }

    /**
     * The reader of the format the key's suffix names, if the bytes are of that format: a file is never decoded by a
     * reader its name did not ask for (a TIFF named .png stays a refused PNG).
     */
    private static ImageReader readerNamedByTheKey(ImageInputStream in, S3EventRecord record) throws IOException {
        String suffix = suffix(record.key());
        Iterator<ImageReader> named = suffix == null ? Collections.emptyIterator() : ImageIO.getImageReadersBySuffix(suffix);
        if (!named.hasNext()) {
            throw notAnImage(record, "its key has no suffix of a format ImageIO reads ("
                    + String.join(", ", new TreeSet<>(Arrays.asList(ImageIO.getReaderFileSuffixes()))) + ")");
        }
        while (named.hasNext()) {
            ImageReader reader = named.next();
            if (reader.getOriginatingProvider() != null && reader.getOriginatingProvider().canDecodeInput(in)) {
                return reader;
            }
            reader.dispose();
        }
        Iterator<ImageReader> actual = ImageIO.getImageReaders(in);
        String looksLike = actual.hasNext() ? "it is " + actual.next().getFormatName().toUpperCase(Locale.ROOT) : "it starts like no image format";
        throw notAnImage(record, "its bytes are not a " + suffix.toUpperCase(Locale.ROOT) + " image as its key says; " + looksLike);
    }

    /**
     * Decodes at reduced resolution (every n-th pixel of every n-th row, n such that the longer side stays at least
     * twice the thumbnail's), after refusing what would take more than max-decoded-bytes, within the memory budget of
     * the decodes running at once.
     */
    private BufferedImage decodeSmall(ImageReader reader, S3EventRecord record, String format) throws IOException {
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new BusinessFailureException("image " + record.location() + " is " + width + "x" + height
                    + " pixels, over s3events.thumbnail.max-pixels (" + maxPixels + ")", null, null);
        }
        int step = Math.max(1, Math.max(width, height) / (2 * size));
        int bytesPerPixel = bytesPerPixel(reader);
        long decoded = (long) ceilDiv(width, step) * ceilDiv(height, step) * bytesPerPixel;
        if (!ROW_DECODERS.contains(format)) {
            // a tiled or striped format decodes a whole tile (or strip) before it subsamples it
            decoded += (long) reader.getTileWidth(0) * reader.getTileHeight(0) * bytesPerPixel;
        }
        if (decoded > maxDecodedBytes) {
            throw new BusinessFailureException("image " + record.location() + " (" + width + "x" + height + ", "
                    + bytesPerPixel + " bytes per pixel) would take " + decoded + " bytes to decode"
                    + (step > 1 ? " at 1/" + step + " of its size" : "") + ", over s3events.thumbnail.max-decoded-bytes ("
                    + maxDecodedBytes + ")", null, null);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(step, step, 0, 0);
        try (DecodeMemory.Held held = decodeMemory.hold(decoded)) {
            return reader.read(0, param);
        }
    }

    /** Bytes per pixel of the decoded image (at least one): the sum of its samples' bits, rounded up. */
    private static int bytesPerPixel(ImageReader reader) throws IOException {
        ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            type = types.hasNext() ? types.next() : null;
        }
        if (type == null) {
            throw new IIOException("the reader names no image type for it");
        }
        long bits = 0;
        for (int sampleBits : type.getSampleModel().getSampleSize()) {
            bits += sampleBits;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (bits + 7) / 8));
    }

    private static int ceilDiv(int value, int divisor) {
        return (value + divisor - 1) / divisor;
    }

    /** The key's suffix, lower case, or null when its last segment has none. */
    static String suffix(String key) {
        int slash = key.lastIndexOf('/');
        int dot = key.lastIndexOf('.');
        return dot > slash && dot < key.length() - 1 ? key.substring(dot + 1).toLowerCase(Locale.ROOT) : null;
    }

    String thumbnailKey(String sourceKey, String format) {
        String key = prefix + sourceKey;
        return extensionMatches(sourceKey, format) ? key : key + "." + format;
    }

    static String sourceOf(S3EventRecord record) {
        // metadata travels in HTTP headers, which only carry ASCII
        return record.bucket() + "/" + URLEncoder.encode(record.key(), StandardCharsets.UTF_8);
    }

    /** What aws2-s3 evaluates as a Simple expression when it is a key (LanguageSupport.hasSimpleFunction). */
    static boolean readAsExpression(String key) {
        return key != null && (key.contains("${") || key.contains("$simple{"));
    }

    /** Fits the image into size x size; halves in steps first, since one big bilinear step drops detail. */
    static BufferedImage scale(BufferedImage source, int size, boolean keepAlpha) {
        int width = source.getWidth();
        int height = source.getHeight();
        double ratio = Math.min(1.0, (double) size / Math.max(width, height));
        int targetWidth = Math.max(1, (int) Math.round(width * ratio));
        int targetHeight = Math.max(1, (int) Math.round(height * ratio));
        int type = keepAlpha && source.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage current = source;
        int currentWidth = width;
        int currentHeight = height;
        do {
            currentWidth = currentWidth / 2 >= targetWidth ? currentWidth / 2 : targetWidth;
            currentHeight = currentHeight / 2 >= targetHeight ? currentHeight / 2 : targetHeight;
            BufferedImage next = new BufferedImage(currentWidth, currentHeight, type);
            Graphics2D graphics = next.createGraphics();
            try {
                if (type == BufferedImage.TYPE_INT_RGB) {
                    // formats without alpha: transparent pixels become white, not black
                    graphics.setColor(Color.WHITE);
                    graphics.fillRect(0, 0, currentWidth, currentHeight);
                }
                graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                graphics.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                graphics.drawImage(current, 0, 0, currentWidth, currentHeight, null);
            } finally {
                graphics.dispose();
            }
            current = next;
        } while (currentWidth != targetWidth || currentHeight != targetHeight);
        return current;
    }

    private static byte[] encode(BufferedImage image, String format) {
        ImageWriter writer = writerFor(format);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a " + format + " thumbnail failed", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static ImageWriter writerFor(String format) {
        if (!CONTENT_TYPES.containsKey(format)) {
            return null;
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
        return writers.hasNext() ? writers.next() : null;
    }

    private static boolean extensionMatches(String key, String format) {
        String lower = key.toLowerCase(Locale.ROOT);
        return switch (format) {
            case "jpeg" -> lower.endsWith(".jpg") || lower.endsWith(".jpeg");
            default -> lower.endsWith("." + format);
        };
    }

    private BusinessFailureException tooLarge(S3EventRecord record, long bytes) {
        return new BusinessFailureException("object " + record.location() + " is " + bytes
                + " bytes, over s3events.thumbnail.max-bytes (" + maxBytes + "): no thumbnail", null, null);
    }

    private static BusinessFailureException notAnImage(S3EventRecord record, String why) {
        return new BusinessFailureException("object " + record.location() + " is not an image ImageIO can decode ("
                + why + "): no thumbnail", null, null);
    }

    /**
     * A thumbnail to write: the put-thumbnail step's key, content type and user metadata, and its bytes.
     *
     * @param key      the thumbnail's key in the thumbnail bucket (prefix + source key, with the format's extension)
     * @param metadata user metadata: thumbnail-of = bucket/key of the source
     */
    public record Thumbnail(String key, String contentType, Map<String, String> metadata, byte[] bytes) {
    }
}
