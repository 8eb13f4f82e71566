# A model without an intercept, as R's glm() reports it: its null model has no
# parameter (every probability 1/2; null deviance 2 n log 2 on n df), so the
# likelihood-ratio test against it has as many df as the model has coefficients.
# Run from the repository root:
#
#   Rscript tests/reference/glm/no_intercept/make_no_intercept_reference.R
#
# Requires r-base-core and r-cran-jsonlite.
suppressPackageStartupMessages(library(jsonlite))
d <- read.csv("examples/challenger.csv")
d$temp_c <- (d$temp_f - 32) * 5 / 9 - 20  # centred near the launches' temperatures
fit <- glm(damage ~ temp_c - 1, family = binomial(), data = d,
           control = glm.control(epsilon = 1e-14, maxit = 100))
stopifnot(fit$converged)
ll <- as.numeric(logLik(fit))
ll_null <- -fit$null.deviance / 2
n <- nrow(d)
df_model <- fit$df.null - fit$df.residual
llr <- fit$null.deviance - fit$deviance
out <- list(
  data = "examples/challenger.csv",
  formula = "damage ~ I((temp_f - 32) * 5 / 9 - 20) - 1",
  generated_by = R.version.string,
  estimate = unname(coef(fit)[1]),
  std_error = unname(sqrt(diag(vcov(fit)))[1]),
  log_likelihood = ll,
  ll_null = ll_null,
  null_deviance = fit$null.deviance,
  df_model = df_model,
  llr = llr,
  llr_p_value = pchisq(llr, df_model, lower.tail = FALSE),
  mcfadden = 1 - ll / ll_null,
  cox_snell = 1 - exp(2 * (ll_null - ll) / n),
  nagelkerke = (1 - exp(2 * (ll_null - ll) / n)) / (1 - exp(2 * ll_null / n))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "tests/reference/glm/no_intercept/challenger_no_intercept.json")
