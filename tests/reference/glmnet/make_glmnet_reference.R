# Generate independent reference values for statreport's penalized logistic
# regression from R's glmnet. Run from the repository root:
#
#   Rscript tests/reference/glmnet/make_glmnet_reference.R
#
# Writes tests/reference/glmnet/<dataset>.json, one file per dataset below.
# Requires R (r-base-core), glmnet (r-cran-glmnet) and jsonlite (r-cran-jsonlite).
# Deterministic: no random numbers are used.
#
# Objective (glmnet's scale for family = "binomial"):
#   -loglik(b)/n + alpha * (l1_ratio * ||b||_1 + (1 - l1_ratio)/2 * ||b||_2^2)
# with the intercept unpenalized. glmnet's `lambda` is `alpha` here and
# glmnet's `alpha` argument is `l1_ratio`.

suppressPackageStartupMessages({
  library(glmnet)
  library(jsonlite)
})

# Work from the repository root even if invoked from elsewhere.
script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
if (length(script_arg) == 1) {
  script_dir <- dirname(normalizePath(sub("^--file=", "", script_arg)))
  setwd(normalizePath(file.path(script_dir, "..", "..", "..")))
}
out_dir <- file.path("tests", "reference", "glmnet")
stopifnot(dir.exists(out_dir))

# Never stop the path early (fdev = 0, devmax = 1: the path must reach the
# target lambda) and allow many outer (IRLS) iterations.
invisible(glmnet.control(fdev = 0, devmax = 1, mxit = 1000))

kkt_tol <- 1e-6

datasets <- list(
  list(dataset = "randhie", data = "examples/randhie.csv",
       outcome = "poor_health", positive = NULL,
       predictors = c("disea", "physlm", "mdvis", "lncoins", "idp", "lpi"),
       formula = "poor_health ~ disea + physlm + mdvis + lncoins + idp + lpi",
       fractions = list(l1 = c(0.5, 0.1, 0.02), l2 = c(0.5, 0.1, 0.02),
                        elasticnet = c(0.5, 0.1, 0.02))),
  list(dataset = "anes96", data = "examples/anes96.csv",
       outcome = "vote", positive = "Dole",
       predictors = c("age", "income", "self_lr", "tv_news", "log_popul"),
       formula = "vote ~ age + income + self_lr + tv_news + log_popul",
       fractions = list(l1 = c(0.5, 0.1, 0.02), l2 = c(0.5, 0.1, 0.02),
                        elasticnet = c(0.5, 0.1, 0.02))),
  # One predictor: the only way to get an exactly-zero slope is
  # alpha >= lambda_max, hence the 1.25 fraction for l1.
  list(dataset = "challenger", data = "examples/challenger.csv",
       outcome = "damage", positive = NULL,
       predictors = c("temp_f"),
       formula = "damage ~ temp_f",
       fractions = list(l1 = c(1.25, 0.5, 0.1), l2 = c(0.5, 0.1, 0.02),
                        elasticnet = c(0.5, 0.1, 0.02)))
)

# Alpha = fraction * lambda_max(l1_ratio), where lambda_max(r) is the smallest
# alpha at which every penalized coefficient is zero:
#   max_j |x_j' (y - ybar)| / n / r.
# For l2 (r = 0) the fractions are of the l1 lambda_max.
l1_ratios <- c(l1 = 1, l2 = 0, elasticnet = 0.5)

log1pexp <- function(x) ifelse(x > 0, x + log1p(exp(-x)), log1p(exp(x)))

objective <- function(b0, b, X, y, alpha, r) {
  eta <- drop(b0 + X %*% b)
  loglik <- sum(y * eta - log1pexp(eta))
  -loglik / length(y) + alpha * (r * sum(abs(b)) + (1 - r) / 2 * sum(b^2))
}

kkt_violation <- function(b0, b, X, y, alpha, r) {
  n <- length(y)
  p <- plogis(drop(b0 + X %*% b))
  g <- -drop(crossprod(X, y - p)) / n          # gradient of -loglik/n
  v <- ifelse(b != 0,
              abs(g + alpha * (r * sign(b) + (1 - r) * b)),
              pmax(0, abs(g) - alpha * r))
  max(c(v, abs(mean(y - p))))                  # intercept: gradient = 0
}

# glmnet warns when a class has fewer than 8 observations (challenger has 7
# events); the KKT check below is what guarantees the solution.
fit_glmnet <- function(X, lambda, ...) withCallingHandlers(
  glmnet(X, lambda = lambda, ...),
  warning = function(w) {
    if (grepl("fewer than 8", conditionMessage(w))) invokeRestart("muffleWarning")
  })

fit_case <- function(X, y, alpha, r, lambda_max1) {
  p <- ncol(X)
  # glmnet requires >= 2 columns: pad with an all-zero column, whose
  # coefficient is always exactly 0 and affects neither loss nor penalty.
  Xg <- if (p == 1) cbind(X, .zero = 0) else X
  # Decreasing path from (at least) the l1_ratio's lambda_max down to the
  # target, which is the last value exactly (no interpolation).
  start <- max(lambda_max1 / max(r, 1e-3), 2 * alpha)
  lambda <- exp(seq(log(start), log(alpha), length.out = 100))
  lambda[100] <- alpha
  fit <- fit_glmnet(Xg, lambda, y = y, family = "binomial", alpha = r,
                    standardize = FALSE, intercept = TRUE,
                    thresh = 1e-14, maxit = 1e7)
  stopifnot(length(fit$lambda) == 100, fit$lambda[100] == alpha)
  cf <- as.matrix(coef(fit, s = alpha, exact = FALSE))[, 1]
  stopifnot(all(cf == c(fit$a0[100], fit$beta[, 100])))
  b0 <- unname(cf[1])
  b <- unname(cf[1 + seq_len(p)])
  if (p == 1) stopifnot(cf[3] == 0)
  list(b0 = b0, b = b)
}

make_reference <- function(ds) {
  raw <- read.csv(ds$data, stringsAsFactors = FALSE)
  y <- if (is.null(ds$positive)) raw[[ds$outcome]] else
    as.numeric(raw[[ds$outcome]] == ds$positive)
  y <- as.numeric(y)
  X <- as.matrix(raw[, ds$predictors, drop = FALSE])
  storage.mode(X) <- "double"
  stopifnot(!anyNA(X), !anyNA(y), all(y %in% c(0, 1)))
  n <- nrow(X)
  lambda_max1 <- max(abs(crossprod(X, y - mean(y)))) / n

  cases <- list()
  for (penalty in c("l1", "l2", "elasticnet")) {
    r <- unname(l1_ratios[penalty])
    lmax <- if (r > 0) lambda_max1 / r else lambda_max1
    for (fr in ds$fractions[[penalty]]) {
      alpha <- signif(fr * lmax, 3)   # rounded before fitting: exact in JSON
      sol <- fit_case(X, y, alpha, r, lambda_max1)
      viol <- kkt_violation(sol$b0, sol$b, X, y, alpha, r)
      if (viol > kkt_tol)
        stop(sprintf("%s %s alpha=%g: KKT violation %g", ds$dataset, penalty,
                     alpha, viol))
      coefs <- c(list(Intercept = sol$b0),
                 setNames(as.list(sol$b), ds$predictors))
      cases[[length(cases) + 1]] <- list(
        penalty = penalty,
        alpha = alpha,
        l1_ratio = r,
        coefficients = coefs,
        n_nonzero = sum(sol$b != 0),   # penalized coefficients only
        objective_value = objective(sol$b0, sol$b, X, y, alpha, r),
        max_kkt_violation = viol
      )
      cat(sprintf("%-10s %-10s alpha=%-9g n_nonzero=%d kkt=%.2e\n",
                  ds$dataset, penalty, alpha, sum(sol$b != 0), viol))
    }
  }

  list(
    dataset = ds$dataset,
    data = ds$data,
    outcome = ds$outcome,
    positive = ds$positive,
    predictors = I(ds$predictors),
    formula = ds$formula,
    n_obs = n,
    generated_by = sprintf("%s, glmnet %s", R.version.string,
                           packageDescription("glmnet")$Version),
    objective = paste0("-loglik/n + alpha*(l1_ratio*||b||_1 + ",
                       "(1-l1_ratio)/2*||b||_2^2), intercept unpenalized"),
    cases = cases
  )
}

for (ds in datasets) {
  ref <- make_reference(ds)
  path <- file.path(out_dir, paste0(ds$dataset, ".json"))
  json <- toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = TRUE,
                 null = "null", na = "null")
  writeLines(json, path)
  cat("wrote", path, "\n")
}
