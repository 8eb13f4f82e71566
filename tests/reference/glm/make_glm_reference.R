# Generate independent reference values for statreport's logistic regression
# from R's glm(). Run from the repository root:
#
#   Rscript tests/reference/glm/make_glm_reference.R
#
# Writes tests/reference/glm/<case>.json, one file per case below.
# Requires R (r-base-core) and the jsonlite package (r-cran-jsonlite).

suppressPackageStartupMessages(library(jsonlite))

# Work from the repository root even if invoked from elsewhere.
script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
if (length(script_arg) == 1) {
  script_dir <- dirname(normalizePath(sub("^--file=", "", script_arg)))
  setwd(normalizePath(file.path(script_dir, "..", "..", "..")))
}
out_dir <- file.path("tests", "reference", "glm")
stopifnot(dir.exists(out_dir))

# Ratio that is NA (written as JSON null) when undefined (0/0).
ratio <- function(num, den) if (den == 0) NA_real_ else num / den

# Factor whose levels are in C-locale byte order (matches Python's sorted()).
byte_factor <- function(x) factor(x, levels = sort(unique(x), method = "radix"))

prepare <- list(
  tutorial = function(d) list(data = d, r_formula = y ~ x),
  challenger = function(d) list(data = d, r_formula = damage ~ temp_f),
  anes96 = function(d) {
    d$y <- as.integer(d$vote == "Dole")
    d$party <- relevel(byte_factor(d$party), ref = "independent")
    d$education <- byte_factor(d$education)  # reference = "college"
    list(data = d, r_formula = y ~ party + age + education + self_lr)
  },
  randhie = function(d) list(
    data = d, r_formula = poor_health ~ disea + physlm + mdvis + lncoins + idp),
  # year^2 (about 4e6) is almost collinear with year and the intercept: glm's QR
  # on this design loses about 7 digits of the intercept's SE, and at epsilon
  # 1e-14 it does not converge. The same model in centred years loses none; its
  # estimates and covariance map back exactly (b = T g, V = T W T').
  year_quadratic = function(d) {
    d$centred <- d$year - 2005
    list(data = d, r_formula = y ~ centred + I(centred^2),
         r_terms = c("(Intercept)", "year", "I(year^2)"),
         T = rbind(c(1, -2005, 2005^2), c(0, 1, -2 * 2005), c(0, 0, 1)))
  }
)

cases <- list(
  list(case = "tutorial", data = "examples/tutorial.csv", prep = "tutorial",
       formula = "y ~ x", positive = NULL, ci_level = 0.95, threshold = 0.5),
  list(case = "tutorial_ci90_t07", data = "examples/tutorial.csv", prep = "tutorial",
       formula = "y ~ x", positive = NULL, ci_level = 0.90, threshold = 0.7),
  list(case = "challenger", data = "examples/challenger.csv", prep = "challenger",
       formula = "damage ~ temp_f", positive = NULL, ci_level = 0.95, threshold = 0.5),
  list(case = "anes96", data = "examples/anes96.csv", prep = "anes96",
       formula = "vote ~ C(party, Treatment('independent')) + age + education + self_lr",
       positive = "Dole", ci_level = 0.95, threshold = 0.5),
  list(case = "randhie", data = "examples/randhie.csv", prep = "randhie",
       formula = "poor_health ~ disea + physlm + mdvis + lncoins + idp",
       positive = NULL, ci_level = 0.95, threshold = 0.5),
  list(case = "randhie_t01", data = "examples/randhie.csv", prep = "randhie",
       formula = "poor_health ~ disea + physlm + mdvis + lncoins + idp",
       positive = NULL, ci_level = 0.95, threshold = 0.1),
  list(case = "year_quadratic", data = "tests/reference/glm/year_quadratic.csv",
       prep = "year_quadratic", formula = "y ~ year + I(year**2)",
       positive = NULL, ci_level = 0.95, threshold = 0.5)
)

make_reference <- function(cs) {
  raw <- read.csv(cs$data, stringsAsFactors = FALSE)
  pr <- prepare[[cs$prep]](raw)
  fit <- glm(pr$r_formula, data = pr$data, family = binomial(),
             control = glm.control(epsilon = 1e-14, maxit = 100))
  if (any(is.na(coef(fit)))) stop(cs$case, ": aliased coefficients")
  if (!fit$converged) warning(cs$case, ": glm did not converge")

  y <- fit$y
  p <- unname(fitted(fit))
  n <- length(y)
  stopifnot(all(y %in% c(0, 1)), n == nrow(raw))

  # Coefficients (Wald z, p from summary; Wald CIs from confint.default).
  sm <- summary(fit)$coefficients
  ci <- confint.default(fit, level = cs$ci_level)
  if (!is.null(pr$T)) {  # fitted in other coordinates: map back to the case's terms
    est <- drop(pr$T %*% coef(fit))
    se <- sqrt(diag(pr$T %*% vcov(fit) %*% t(pr$T)))
    z <- est / se
    sm <- cbind("Estimate" = est, "Std. Error" = se, "z value" = z,
                "Pr(>|z|)" = 2 * pnorm(-abs(z)))
    q <- qnorm(1 - (1 - cs$ci_level) / 2)
    ci <- cbind(est - q * se, est + q * se)
    rownames(sm) <- rownames(ci) <- pr$r_terms
  }
  coefs <- lapply(rownames(sm), function(term) list(
    r_term = term,
    estimate = sm[term, "Estimate"],
    std_error = sm[term, "Std. Error"],
    z = sm[term, "z value"],
    p_value = sm[term, "Pr(>|z|)"],
    ci_low = ci[term, 1],
    ci_high = ci[term, 2],
    odds_ratio = exp(sm[term, "Estimate"]),
    or_ci_low = exp(ci[term, 1]),
    or_ci_high = exp(ci[term, 2])
  ))

  # Fit statistics.
  ll <- as.numeric(logLik(fit))
  ll_null <- -fit$null.deviance / 2
  df_model <- length(coef(fit)) - 1L
  llr <- 2 * (ll - ll_null)
  fit_stats <- list(
    n_obs = n,
    events = as.integer(sum(y == 1)),
    df_model = df_model,
    df_resid = fit$df.residual,
    log_likelihood = ll,
    ll_null = ll_null,
    llr = llr,
    llr_p_value = pchisq(llr, df_model, lower.tail = FALSE),
    aic = AIC(fit),
    bic = BIC(fit),
    deviance = fit$deviance,
    null_deviance = fit$null.deviance,
    iterations = fit$iter,
    converged = fit$converged
  )

  # Pseudo R-squared.
  cox_snell <- 1 - exp(2 * (ll_null - ll) / n)
  pseudo <- list(
    mcfadden = 1 - ll / ll_null,
    cox_snell = cox_snell,
    nagelkerke = cox_snell / (1 - exp(2 * ll_null / n)),
    tjur = mean(p[y == 1]) - mean(p[y == 0])
  )

  # Classification at threshold (predicted 1 iff p > threshold).
  pred <- as.integer(p > cs$threshold)
  tn <- sum(pred == 0 & y == 0); fp <- sum(pred == 1 & y == 0)
  fn <- sum(pred == 0 & y == 1); tp <- sum(pred == 1 & y == 1)
  sens <- ratio(tp, tp + fn); spec <- ratio(tn, tn + fp)
  n1 <- sum(y == 1); n0 <- sum(y == 0)
  auc <- if (n1 > 0 && n0 > 0) {
    (sum(rank(p)[y == 1]) - n1 * (n1 + 1) / 2) / (n1 * n0)
  } else NA_real_
  classification <- list(
    threshold = cs$threshold,
    tn = tn, fp = fp, fn = fn, tp = tp,
    accuracy = (tp + tn) / n,
    sensitivity = sens,
    specificity = spec,
    ppv = ratio(tp, tp + fp),
    npv = ratio(tn, tn + fn),
    f1 = ratio(2 * tp, 2 * tp + fp + fn),
    balanced_accuracy = (sens + spec) / 2,  # NA if either is undefined
    auc = auc,
    brier = mean((p - y)^2)
  )

  list(
    case = cs$case,
    data = cs$data,
    formula = cs$formula,
    positive = cs$positive,
    ci_level = cs$ci_level,
    threshold = cs$threshold,
    generated_by = paste(R.version.string, "glm()"),
    coefficients = coefs,
    fit = fit_stats,
    pseudo_r2 = pseudo,
    classification = classification
  )
}

for (cs in cases) {
  ref <- make_reference(cs)
  path <- file.path(out_dir, paste0(cs$case, ".json"))
  json <- toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = TRUE,
                 null = "null", na = "null")
  writeLines(json, path)
  cat("wrote", path, "\n")
}
