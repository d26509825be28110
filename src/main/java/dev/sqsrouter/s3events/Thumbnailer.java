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
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import dev.sqsrouter.failure.BusinessFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Writes a thumbnail of each image: streams the object from S3 under a size cap, decodes it with ImageIO, scales it
 * so that its longer side is at most the configured size, and writes it in the same format (PNG when ImageIO cannot
 * write that format) to the thumbnail bucket under the thumbnail prefix, with user metadata naming its source.
 * <p>
 * A thumbnail never causes another: keys under the thumbnail prefix of the thumbnail bucket are skipped, and so is
 * any object that carries the source metadata, whatever the notification filters let through.
 * <p>
 * Outcomes: an object that is gone, too large, or not a decodable image is a business failure (this record in the
 * failure store, not retried); any other S3 or I/O error is left to the failure policy (retried, then kept in SQS).
 * A record done again (its message came back) writes the same bytes again.
 */
public class ThumbnailProcessor implements S3EventRecordProcessor {

    /** User metadata on every thumbnail: bucket/key of its source, the key form-encoded as S3 events encode keys. */
    public static final String SOURCE_METADATA = "thumbnail-of";
    private static final Logger LOG = LoggerFactory.getLogger(ThumbnailProcessor.class);
    private static final String FALLBACK_FORMAT = "png";
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "png", "image/png", "jpeg", "image/jpeg", "gif", "image/gif", "bmp", "image/bmp");

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final long maxBytes;
    private final int size;
    private final long maxPixels;

    /**
     * @param bucket    where thumbnails go
     * @param prefix    the key prefix of every thumbnail
     * @param maxBytes  larger objects are refused (read into memory to decode)
     * @param size      the longer side of a thumbnail, in pixels
     * @param maxPixels larger images are refused before decoding (a small file can declare a huge image)
     */
    public ThumbnailProcessor(S3Client s3, String bucket, String prefix, long maxBytes, int size, long maxPixels) {
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
        this.s3 = s3;
        this.bucket = bucket.trim();
        this.prefix = prefix == null ? "" : prefix.trim();
        this.maxBytes = maxBytes;
        this.size = size;
        this.maxPixels = maxPixels;
    }

    @Override
    public void process(S3EventRecord record) {
        if (isThumbnail(record)) {
            LOG.debug("{} is a thumbnail itself: skipped", record.location());
            return;
        }
        if (record.size() != null && record.size() > maxBytes) {
            throw tooLarge(record, record.size());
        }
        byte[] image = read(record);
        if (image == null) {
            return;
        }
        Thumbnail thumbnail = thumbnail(record, image);
        String key = thumbnailKey(record.key(), thumbnail.format());
        s3.putObject(PutObjectRequest.builder()
                        .bucket(bucket)
                        .key(key)
                        .contentType(CONTENT_TYPES.getOrDefault(thumbnail.format(), "application/octet-stream"))
                        .metadata(Map.of(SOURCE_METADATA, sourceOf(record)))
                        .build(),
                RequestBody.fromBytes(thumbnail.bytes()));
        LOG.debug("thumbnail of {} written to {}/{} ({}x{}, {} bytes)", record.location(), bucket, key,
                thumbnail.width(), thumbnail.height(), thumbnail.bytes().length);
    }

    /** Under the thumbnail prefix of the thumbnail bucket: written by this processor. */
    boolean isThumbnail(S3EventRecord record) {
        return bucket.equals(record.bucket()) && record.key().startsWith(prefix);
    }

    String thumbnailKey(String sourceKey, String format) {
        String key = prefix + sourceKey;
        return extensionMatches(sourceKey, format) ? key : key + "." + format;
    }

    static String sourceOf(S3EventRecord record) {
        // metadata travels in HTTP headers, which only carry ASCII
        return record.bucket() + "/" + URLEncoder.encode(record.key(), StandardCharsets.UTF_8);
    }

    /** The object's bytes, or null if it turns out to be a thumbnail. */
    private byte[] read(S3EventRecord record) {
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(record.bucket()).key(record.key());
        if (record.versionId() != null) {
            // the event is about this version; a later overwrite has its own event
            get.versionId(record.versionId());
        }
        try (ResponseInputStream<GetObjectResponse> object = s3.getObject(get.build())) {
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
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                // NoSuchKey, NoSuchVersion, NoSuchBucket: the object is gone; a retry finds it gone too
                String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : "404";
                throw new BusinessFailureException("object " + record.location()
                        + (record.versionId() != null ? " version " + record.versionId() : "") + " is gone (" + code
                        + "): no thumbnail", 404, e.getMessage());
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + record.location() + " from S3 failed", e);
        }
    }

    private Thumbnail thumbnail(S3EventRecord record, byte[] bytes) {
        BufferedImage source;
        String format;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw notAnImage(record, "ImageIO knows no format that starts like it");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                format = reader.getFormatName().toLowerCase(Locale.ROOT);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new BusinessFailureException("image " + record.location() + " is " + reader.getWidth(0) + "x"
                            + reader.getHeight(0) + " pixels, over s3events.thumbnail.max-pixels (" + maxPixels + ")", null, null);
                }
                source = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BusinessFailureException business) {
                throw business;
            }
            // the bytes are all in memory: a decoding error is the content, not the network
            throw notAnImage(record, "decoding failed: " + e);
        }
        String outputFormat = writerFor(format) != null ? format : FALLBACK_FORMAT;
        BufferedImage scaled = scale(source, size, !"jpeg".equals(outputFormat) && !"bmp".equals(outputFormat));
        return new Thumbnail(outputFormat, encode(scaled, outputFormat), scaled.getWidth(), scaled.getHeight());
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

    private record Thumbnail(String format, byte[] bytes, int width, int height) {
    }
}
