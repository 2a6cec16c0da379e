/** {@code titan-lab campaign}: a matrix of lab tests with a summary and a CI exit code. */
package titan.lab.campaign;
