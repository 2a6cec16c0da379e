/**
 * {@code titan-lab serve}: {@link titan.lab.serve.RunBrowser}, a read-only web server on 127.0.0.1
 * that lists every run of a results store and serves its files.
 */
package titan.lab.serve;
