package io.github.durablesqlite.replica;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns SDK exceptions into IOExceptions that say what failed, where, and how to fix it. The
 * secret key is scrubbed from every message as a last line of defence; the SDK never puts it in
 * one, but a message is API and a leak there would end up in logs.
 */
final class S3Errors {

    private static final String CREDENTIALS_HINT = "check " + S3SdkClients.ACCESS_KEY_ID + " and "
            + S3SdkClients.SECRET_ACCESS_KEY + " (or the AWS default credentials) and the bucket's permissions";

    private final String bucket;
    private final String where;
    private final String secret;

    S3Errors(String bucket, String where, String secret) {
        this.bucket = bucket;
        this.where = where;
        this.secret = secret;
    }

    /**
     * @param action what was being done, e.g. "list", "read", "upload", "delete"
     * @param key    the object key or prefix concerned
     */
    IOException translate(String action, String key, SdkException e) {
        if (e instanceof AwsServiceException service) {
            return scrub(serviceError(action, key, service), e);
        }
        return scrub(clientError(action, key, e), e);
    }

    NoSuchFileException noSuchFile(String key) {
        return new NoSuchFileException("s3://" + bucket + "/" + key, null, "no such object at " + where);
    }

    private String serviceError(String action, String key, AwsServiceException e) {
        AwsErrorDetails details = e.awsErrorDetails();
        String code = details == null || details.errorCode() == null ? "" : details.errorCode();
        int status = e.statusCode();
        if (code.equals("NoSuchBucket")) {
            return "S3 bucket '" + bucket + "' does not exist at " + where
                    + ": create it or fix the bucket in the replica URL";
        }
        String regionHint = details == null || details.sdkHttpResponse() == null ? null
                : details.sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse(null);
        if (status == 301 || code.equals("PermanentRedirect")
                || (code.equals("AuthorizationHeaderMalformed") && regionHint != null)) {
            return "S3 bucket '" + bucket + "' is in another region than the one used at " + where
                    + ": add region=" + (regionHint != null ? regionHint : "<the bucket's region>")
                    + " to the replica URL";
        }
        if (status == 403 || code.equals("InvalidAccessKeyId") || code.equals("SignatureDoesNotMatch")
                || code.equals("AccessDenied")) {
            String reason = switch (code) {
                case "InvalidAccessKeyId" -> "InvalidAccessKeyId: the access key ID is not known there";
                case "SignatureDoesNotMatch" -> "SignatureDoesNotMatch: the secret key does not match the access key ID";
                case "" -> "HTTP " + status;
                default -> code;
            };
            return "Access to S3 bucket '" + bucket + "' at " + where + " was denied (" + reason + ") while trying to "
                    + action + " " + describeKey(key) + ": " + CREDENTIALS_HINT;
        }
        String message = details != null && details.errorMessage() != null ? details.errorMessage() : e.getMessage();
        return "S3 " + action + " of " + describeKey(key) + " failed at " + where + ": HTTP " + status
                + (code.isEmpty() ? "" : " " + code) + (message == null ? "" : " (" + message + ")");
    }

    private String clientError(String action, String key, SdkException e) {
        Throwable cause = networkCause(e);
        if (cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof NoRouteToHostException
                || cause != null && cause.getClass().getSimpleName().equals("ConnectTimeoutException")) {
            return "Cannot reach S3 endpoint " + where + " for bucket '" + bucket + "' (" + describe(cause)
                    + "): check the endpoint in the replica URL and that the server is running and reachable";
        }
        if (cause instanceof InterruptedIOException) {
            return "S3 endpoint " + where + " did not answer in time while trying to " + action + " "
                    + describeKey(key) + " (" + describe(cause) + "): check the endpoint and the network";
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unable to load credentials")) {
            return "No S3 credentials for bucket '" + bucket + "' at " + where + ": set "
                    + S3SdkClients.ACCESS_KEY_ID + " and " + S3SdkClients.SECRET_ACCESS_KEY
                    + ", or configure the AWS default credentials (AWS_ACCESS_KEY_ID, ~/.aws/credentials,"
                    + " an instance role)";
        }
        return "S3 " + action + " of " + describeKey(key) + " failed at " + where + ": " + message;
    }

    private String describeKey(String key) {
        return "s3://" + bucket + "/" + key;
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof InterruptedIOException) {
                return t;
            }
        }
        return null;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        String type = cause.getClass().getSimpleName();
        return message == null ? type : type + ": " + message;
    }

    private IOException scrub(String message, SdkException cause) {
        String safe = secret == null ? message : message.replace(secret, "***");
        return new IOException(safe, cause);
    }
}
