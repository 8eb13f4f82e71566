# Independent reference values for statreport's inference options: exact
# profile-likelihood intervals, robust (HC0/HC1/HC3) and cluster-robust standard
# errors, frequency weights, events/trials outcomes and "balanced" class weights.
# Run from the repository root:
#
#   Rscript tests/reference/inference/make_inference_reference.R
#
# Writes tests/reference/inference/<case>.json for each case below, and the CSVs
# of the data sets that come from R's datasets package (infert.csv,
# ucb_admissions.csv, esoph.csv), so that Python reads the very same rows.
# Requires R with sandwich, MASS and jsonlite
# (Debian: apt-get install r-base-core r-cran-sandwich r-cran-mass r-cran-jsonlite).
#
# Every glm is fitted with control = glm.control(epsilon = 1e-14, maxit = 100).

suppressPackageStartupMessages({
  library(sandwich)
  library(MASS)
  library(jsonlite)
})

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
if (length(script_arg) == 1) {
  script_dir <- dirname(normalizePath(sub("^--file=", "", script_arg)))
  setwd(normalizePath(file.path(script_dir, "..", "..", "..")))
}
out_dir <- file.path("tests", "reference", "inference")
stopifnot(dir.exists(out_dir))

# Factor whose levels are in C-locale byte order (matches Python's sorted()).
byte_factor <- function(x) factor(x, levels = sort(unique(x), method = "radix"))

ctrl <- glm.control(epsilon = 1e-14, maxit = 100)
generated_by <- paste0(R.version.string, "; sandwich ", packageVersion("sandwich"),
                       "; MASS ", packageVersion("MASS"))

# a and b agree to `tol`, relative to max(1, |b|).
agree <- function(a, b, tol = 1e-8) all(abs(a - b) <= tol * pmax(1, abs(b)))

# sandwich's covariance V against our own from the formula at the final estimates
# (the SEs agree to 1e-10 relative).
check_vcov <- function(V, own, what) {
  rel <- max(abs(sqrt(diag(V)) / sqrt(diag(own)) - 1))
  cat(sprintf("%s: sandwich vs own formula, max relative SE difference %.2g\n", what, rel))
  stopifnot(rel < 1e-10)
}

# Fit, and stop on any warning except the ones listed in `allow` (regexps),
# which are muffled and returned in attr(, "warnings").
# `weights`: prior weights, a vector (or NULL).
fit_glm <- function(formula, data, allow = character(0), weights = NULL) {
  seen <- character(0)
  data$.prior_w <- if (is.null(weights)) rep(1, nrow(data)) else weights
  handler <- function(w) {
    msg <- conditionMessage(w)
    if (!any(vapply(allow, grepl, logical(1), x = msg))) stop("glm warning: ", msg)
    seen <<- c(seen, msg)
    invokeRestart("muffleWarning")
  }
  fit <- withCallingHandlers(
    glm(formula, data = data, family = binomial(), control = ctrl, weights = .prior_w),
    warning = handler)
  stopifnot(fit$converged, !any(is.na(coef(fit))))
  # Refit from the estimates: glm's covariance (QR, working weights) comes from the
  # iteration before the last one, which at epsilon 1e-14 can still move an SE by a few
  # 1e-7 relative (UCBAdmissions' deptF: 2.6e-7 between the weighted and the expanded
  # fit). Started at the optimum, the last iteration is at the final estimates.
  fit <- withCallingHandlers(
    glm(formula, data = data, family = binomial(), control = ctrl, weights = .prior_w,
        start = coef(fit)),
    warning = handler)
  stopifnot(fit$converged)
  attr(fit, "warnings") <- unique(seen)
  fit
}

# statreport's (formulaic's) names of the columns of fit's design. `prefixes` maps
# R's label of a categorical term to statreport's, e.g. race = "C(race)";
# R's column "race2" becomes "C(race)[T.2]".
sr_names <- function(fit, prefixes = list()) {
  X <- model.matrix(fit)
  labels <- attr(terms(fit), "term.labels")
  assign <- attr(X, "assign")
  vapply(seq_len(ncol(X)), function(i) {
    if (assign[i] == 0) return("Intercept")
    label <- labels[assign[i]]
    if (!is.null(prefixes[[label]])) {
      paste0(prefixes[[label]], "[T.", substring(colnames(X)[i], nchar(label) + 1), "]")
    } else colnames(X)[i]
  }, character(1))
}

# Coefficient rows from estimates and a covariance (Wald z, p and interval).
coef_rows <- function(fit, V, names, level = 0.95) {
  est <- coef(fit)
  se <- sqrt(diag(V))
  z <- est / se
  q <- qnorm(1 - (1 - level) / 2)
  lapply(seq_along(est), function(i) list(
    term = names[i], r_term = names(est)[i],
    estimate = unname(est[i]), std_error = unname(se[i]), z = unname(z[i]),
    p_value = 2 * pnorm(-abs(unname(z[i]))),
    ci_low = unname(est[i] - q * se[i]), ci_high = unname(est[i] + q * se[i])
  ))
}

# The fit block from a log-likelihood and its null model's (n = observations, k = coefficients).
fit_block <- function(ll, ll_null, n, events, k) {
  llr <- 2 * (ll - ll_null)
  list(n_obs = n, events = events, df_model = k - 1L, log_likelihood = ll, ll_null = ll_null,
       llr = llr, llr_p_value = pchisq(llr, k - 1L, lower.tail = FALSE),
       aic = -2 * ll + 2 * k, bic = -2 * ll + log(n) * k,
       deviance = -2 * ll, null_deviance = -2 * ll_null)
}

# Fit block of an unweighted 0/1 glm, checked against R's own numbers.
glm_fit_block <- function(fit) {
  stopifnot(all(fit$y %in% c(0, 1)), all(fit$prior.weights == 1))
  out <- fit_block(as.numeric(logLik(fit)), -fit$null.deviance / 2, length(fit$y),
                   as.integer(sum(fit$y)), length(coef(fit)))
  stopifnot(agree(out$aic, AIC(fit), 1e-12), agree(out$bic, BIC(fit), 1e-12),
            agree(out$deviance, fit$deviance, 1e-12))
  out
}

write_case <- function(out) {
  path <- file.path(out_dir, paste0(out$case, ".json"))
  writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, null = "null",
                    na = "null"), path)
  cat("wrote", path, "\n")
}

# ---------------------------------------------------------------------------
# Data sets
# ---------------------------------------------------------------------------

anes96 <- function() {
  d <- read.csv("examples/anes96.csv", stringsAsFactors = FALSE)
  d$y <- as.integer(d$vote == "Dole")
  d$party <- relevel(byte_factor(d$party), ref = "independent")
  d$education <- byte_factor(d$education)  # reference = "college"
  d
}
anes96_formula <- "vote ~ C(party, Treatment('independent')) + age + education + self_lr"
anes96_r_formula <- y ~ party + age + education + self_lr
anes96_prefixes <- list(party = "C(party, Treatment('independent'))", education = "education")

birthwt <- function() {
  d <- read.csv("tests/reference/firth/birthwt.csv")
  d$race <- factor(d$race, levels = c(1, 2, 3))
  d
}
birthwt_formula <- "low ~ age + lwt + C(race) + smoke + ptl + ht + ui"
birthwt_r_formula <- low ~ age + lwt + race + smoke + ptl + ht + ui
birthwt_prefixes <- list(race = "C(race)")

# infert (datasets): matched case-control study, `stratum` = matched set.
infert_csv <- file.path(out_dir, "infert.csv")
inf <- datasets::infert
inf <- data.frame(education = as.character(inf$education), age = inf$age, parity = inf$parity,
                  induced = inf$induced, case = inf$case, spontaneous = inf$spontaneous,
                  stratum = inf$stratum, pooled_stratum = inf$pooled.stratum,
                  stringsAsFactors = FALSE)
write.csv(inf, infert_csv, row.names = FALSE)

# UCBAdmissions (datasets) as a frequency table, one row per cell.
ucb_csv <- file.path(out_dir, "ucb_admissions.csv")
u <- as.data.frame(datasets::UCBAdmissions, stringsAsFactors = FALSE)
u <- data.frame(admit = as.integer(u$Admit == "Admitted"), gender = u$Gender, dept = u$Dept,
                count = as.integer(u$Freq), stringsAsFactors = FALSE)
stopifnot(sum(u$count) == 4526, all(u$count > 0))
write.csv(u, ucb_csv, row.names = FALSE)

# esoph (datasets) as events/trials, the ordered factors as plain text.
esoph_csv <- file.path(out_dir, "esoph.csv")
e <- datasets::esoph
e <- data.frame(agegp = as.character(e$agegp), alcgp = as.character(e$alcgp),
                tobgp = as.character(e$tobgp), ncases = as.integer(e$ncases),
                ncontrols = as.integer(e$ncontrols), stringsAsFactors = FALSE)
e$total <- e$ncases + e$ncontrols
write.csv(e, esoph_csv, row.names = FALSE)

# ---------------------------------------------------------------------------
# A. Exact profile-likelihood intervals
# ---------------------------------------------------------------------------

profile_cases <- list(
  list(case = "profile_anes96", data = "examples/anes96.csv", load = anes96,
       formula = anes96_formula, r_formula = anes96_r_formula, prefixes = anes96_prefixes,
       positive = "Dole", level = 0.95),
  list(case = "profile_birthwt", data = "tests/reference/firth/birthwt.csv", load = birthwt,
       formula = birthwt_formula, r_formula = birthwt_r_formula, prefixes = birthwt_prefixes,
       positive = NULL, level = 0.95),
  list(case = "profile_challenger", data = "examples/challenger.csv",
       load = function() read.csv("examples/challenger.csv"),
       formula = "damage ~ temp_f", r_formula = damage ~ temp_f, prefixes = list(),
       positive = NULL, level = 0.95),
  list(case = "profile_randhie", data = "examples/randhie.csv",
       load = function() read.csv("examples/randhie.csv"),
       formula = "poor_health ~ disea + physlm + mdvis + lncoins + idp",
       r_formula = poor_health ~ disea + physlm + mdvis + lncoins + idp, prefixes = list(),
       positive = NULL, level = 0.95),
  list(case = "profile_birthwt_ci90", data = "tests/reference/firth/birthwt.csv", load = birthwt,
       formula = birthwt_formula, r_formula = birthwt_r_formula, prefixes = birthwt_prefixes,
       positive = NULL, level = 0.90)
)

profile_summary <- list()
for (cs in profile_cases) {
  fit <- fit_glm(cs$r_formula, cs$load())
  X <- model.matrix(fit)
  y <- fit$y
  ll_max <- as.numeric(logLik(fit))
  crit <- qchisq(cs$level, 1)
  est <- coef(fit)
  se <- sqrt(diag(vcov(fit)))

  # f(b) = 2 (ll_max - ll_prof(b)) - qchisq(level, 1) for coefficient j.
  profile_f <- function(j, b) {
    Xj <- X[, -j, drop = FALSE]
    off <- X[, j] * b
    # glm's default start: warm-starting at the full fit's other estimates makes
    # IRLS diverge (no step-halving) when b is a few SEs from the estimate.
    pf <- glm(y ~ 0 + Xj, offset = off, family = binomial(), control = ctrl)
    if (!pf$converged) stop(cs$case, ": profile fit for ", colnames(X)[j], " at ", b, " did not converge")
    2 * (ll_max - as.numeric(logLik(pf))) - crit
  }
  # Bound on side s (-1 lower, +1 upper): bracket by stepping out from the
  # estimate (f < 0 there), then uniroot to 1e-12.
  bound <- function(j, s) {
    inner <- unname(est[j])
    step <- unname(se[j])
    outer <- inner + s * step
    while (profile_f(j, outer) < 0) {
      inner <- outer
      step <- 2 * step
      outer <- inner + s * step
    }
    r <- uniroot(function(b) profile_f(j, b), lower = min(inner, outer), upper = max(inner, outer),
                 tol = 1e-12, maxiter = 1000)
    c(root = r$root, f = profile_f(j, r$root))
  }

  sm <- summary(fit)$coefficients
  wald <- confint.default(fit, level = cs$level)
  mass <- suppressMessages(MASS:::confint.glm(fit, level = cs$level))
  names_sr <- sr_names(fit, cs$prefixes)
  max_f <- 0
  rows <- lapply(seq_along(est), function(j) {
    lo <- bound(j, -1)
    hi <- bound(j, +1)
    max_f <<- max(max_f, abs(lo[["f"]]), abs(hi[["f"]]))
    list(term = names_sr[j], r_term = names(est)[j],
         estimate = sm[j, "Estimate"], std_error = sm[j, "Std. Error"], z = sm[j, "z value"],
         p_value = sm[j, "Pr(>|z|)"], ci_low = lo[["root"]], ci_high = hi[["root"]],
         wald_ci_low = wald[j, 1], wald_ci_high = wald[j, 2],
         mass_ci_low = mass[j, 1], mass_ci_high = mass[j, 2],
         f_ci_low = lo[["f"]], f_ci_high = hi[["f"]])
  })
  profile_summary[[cs$case]] <- max_f
  write_case(list(
    case = cs$case, data = cs$data, formula = cs$formula,
    options = list(ci_method = "profile", ci_level = cs$level), positive = cs$positive,
    generated_by = generated_by, coefficients = rows, fit = glm_fit_block(fit),
    max_abs_f = max_f))
}

# ---------------------------------------------------------------------------
# B. Heteroskedasticity-robust standard errors (sandwich::vcovHC)
# ---------------------------------------------------------------------------

# Own sandwich for a binomial glm (prior weights w): bread (X' diag(w p (1-p)) X)^-1,
# meat X' diag((w (y - p))^2 h_adj) X.
own_sandwich <- function(fit, adj = 1) {
  X <- model.matrix(fit)
  w <- fit$prior.weights
  p <- fitted(fit)
  bread <- solve(crossprod(X, X * (w * p * (1 - p))))
  s <- X * (w * (fit$y - p))
  bread %*% crossprod(s * sqrt(adj)) %*% bread
}

# Wald test of every slope at once with covariance V (the model test that goes with
# robust standard errors, as Stata's under vce(robust) and vce(cluster)).
robust_wald <- function(fb, fit, V) {
  slopes <- names(coef(fit)) != "(Intercept)"
  b <- coef(fit)[slopes]
  chi2 <- as.numeric(t(b) %*% solve(V[slopes, slopes], b))
  fb$robust_wald_chi2 <- chi2
  fb$robust_wald_df <- sum(slopes)
  fb$robust_wald_p <- pchisq(chi2, sum(slopes), lower.tail = FALSE)
  fb
}

hc_cases <- list(
  list(case = "hc0_birthwt", type = "HC0", which = "birthwt"),
  list(case = "hc1_birthwt", type = "HC1", which = "birthwt"),
  list(case = "hc3_birthwt", type = "HC3", which = "birthwt"),
  list(case = "hc3_anes96", type = "HC3", which = "anes96"),
  list(case = "hc0_anes96", type = "HC0", which = "anes96")
)
for (cs in hc_cases) {
  if (cs$which == "birthwt") {
    fit <- fit_glm(birthwt_r_formula, birthwt()); prefixes <- birthwt_prefixes
    data <- "tests/reference/firth/birthwt.csv"; formula <- birthwt_formula; positive <- NULL
  } else {
    fit <- fit_glm(anes96_r_formula, anes96()); prefixes <- anes96_prefixes
    data <- "examples/anes96.csv"; formula <- anes96_formula; positive <- "Dole"
  }
  V <- vcovHC(fit, type = cs$type)
  n <- nrow(model.matrix(fit)); k <- ncol(model.matrix(fit))
  own <- switch(cs$type,
    HC0 = own_sandwich(fit),
    HC1 = own_sandwich(fit) * n / (n - k),
    HC3 = own_sandwich(fit, adj = 1 / (1 - hatvalues(fit))^2))
  check_vcov(V, own, cs$case)
  rows <- coef_rows(fit, V, sr_names(fit, prefixes))
  model_se <- sqrt(diag(vcov(fit)))
  for (i in seq_along(rows)) rows[[i]]$model_std_error <- unname(model_se[i])
  write_case(list(
    case = cs$case, data = data, formula = formula, options = list(se = tolower(cs$type)),
    positive = positive, generated_by = generated_by, coefficients = rows,
    fit = robust_wald(glm_fit_block(fit), fit, V)))
}

# ---------------------------------------------------------------------------
# C. Cluster-robust standard errors (sandwich::vcovCL, HC0 with G / (G - 1))
# ---------------------------------------------------------------------------

infert_d <- read.csv(infert_csv, stringsAsFactors = FALSE)
infert_d$education <- byte_factor(infert_d$education)
stopifnot(identical(levels(infert_d$education), c("0-5yrs", "12+ yrs", "6-11yrs")))
for (cl in c("stratum", "pooled_stratum")) {
  fit <- fit_glm(case ~ spontaneous + induced + age + education, infert_d)
  V <- vcovCL(fit, cluster = infert_d[[cl]], type = "HC0", cadjust = TRUE)
  G <- length(unique(infert_d[[cl]]))
  # own: G/(G-1) B (sum_g s_g s_g') B
  X <- model.matrix(fit); p <- fitted(fit)
  B <- solve(crossprod(X, X * (p * (1 - p))))
  S <- rowsum(X * (fit$y - p), infert_d[[cl]])
  own <- G / (G - 1) * B %*% crossprod(S) %*% B
  check_vcov(V, own, cl)
  rows <- coef_rows(fit, V, sr_names(fit, list(education = "C(education)")))
  model_se <- sqrt(diag(vcov(fit)))
  for (i in seq_along(rows)) rows[[i]]$model_std_error <- unname(model_se[i])
  fb <- robust_wald(glm_fit_block(fit), fit, V)
  fb$n_clusters <- G
  write_case(list(
    case = if (cl == "stratum") "cluster_infert" else "cluster_infert_pooled",
    data = infert_csv, formula = "case ~ spontaneous + induced + age + C(education)",
    options = list(cluster = cl), positive = NULL, generated_by = generated_by,
    coefficients = rows, fit = fb))
}

# ---------------------------------------------------------------------------
# D1. Frequency weights: UCBAdmissions, one row per cell with a count
# ---------------------------------------------------------------------------

ucb <- read.csv(ucb_csv, stringsAsFactors = FALSE)
ucb$gender <- byte_factor(ucb$gender)  # reference "Female"
ucb$dept <- byte_factor(ucb$dept)      # reference "A"
fit_w <- fit_glm(admit ~ gender + dept, ucb, weights = ucb$count)
ucb_long <- ucb[rep(seq_len(nrow(ucb)), ucb$count), ]
fit_long <- fit_glm(admit ~ gender + dept, ucb_long)
se_w <- sqrt(diag(vcov(fit_w))); se_long <- sqrt(diag(vcov(fit_long)))
stopifnot(nrow(ucb_long) == 4526, agree(coef(fit_w), coef(fit_long)), agree(se_w, se_long),
          agree(as.numeric(logLik(fit_w)), as.numeric(logLik(fit_long))))
fb <- glm_fit_block(fit_long)
stopifnot(fb$n_obs == 4526, fb$events == sum(ucb$count * ucb$admit))
fb$n_rows <- nrow(ucb)
fb$r_weighted_bic <- BIC(fit_w)  # R's nobs() of the weighted fit counts rows (24), not 4526
write_case(list(
  case = "weights_ucb", data = ucb_csv, formula = "admit ~ C(gender) + C(dept)",
  options = list(weights = "count"), positive = NULL, generated_by = generated_by,
  coefficients = coef_rows(fit_w, vcov(fit_w),
                           sr_names(fit_w, list(gender = "C(gender)", dept = "C(dept)"))),
  fit = fb))

# Robust standard errors of frequency-weighted rows are those of the observations they
# stand for (Stata's fweights): R's vcovHC on the expanded rows.
V <- vcovHC(fit_long, type = "HC0")
write_case(list(
  case = "weights_ucb_hc0", data = ucb_csv, formula = "admit ~ C(gender) + C(dept)",
  options = list(weights = "count", se = "hc0"), positive = NULL, generated_by = generated_by,
  coefficients = coef_rows(fit_long, V,
                           sr_names(fit_long, list(gender = "C(gender)", dept = "C(dept)"))),
  fit = robust_wald(fb, fit_long, V)))

# ---------------------------------------------------------------------------
# D2. Events/trials: esoph, ncases out of total per cell
# ---------------------------------------------------------------------------

es <- read.csv(esoph_csv, stringsAsFactors = FALSE)
for (v in c("agegp", "alcgp", "tobgp")) es[[v]] <- byte_factor(es[[v]])
stopifnot(identical(levels(es$alcgp), c("0-39g/day", "120+", "40-79", "80-119")))
fit_cells <- fit_glm(cbind(ncases, ncontrols) ~ agegp + alcgp + tobgp, es)
idx <- rep(seq_len(nrow(es)), es$total)
es_long <- es[idx, c("agegp", "alcgp", "tobgp")]
es_long$y <- unlist(lapply(seq_len(nrow(es)), function(i)
  rep(c(1L, 0L), c(es$ncases[i], es$ncontrols[i]))))
fit_long <- fit_glm(y ~ agegp + alcgp + tobgp, es_long)
stopifnot(agree(coef(fit_cells), coef(fit_long)),
          agree(sqrt(diag(vcov(fit_cells))), sqrt(diag(vcov(fit_long)))))
fb <- glm_fit_block(fit_long)
stopifnot(fb$n_obs == sum(es$total), fb$events == sum(es$ncases))
fb$n_rows <- nrow(es)
fb$cell_log_likelihood <- as.numeric(logLik(fit_cells))
fb$cell_deviance <- fit_cells$deviance
fb$cell_null_deviance <- fit_cells$null.deviance
write_case(list(
  case = "trials_esoph", data = esoph_csv, formula = "ncases ~ C(agegp) + C(alcgp) + C(tobgp)",
  options = list(trials = "total"), positive = NULL, generated_by = generated_by,
  coefficients = coef_rows(fit_cells, vcov(fit_cells),
                           sr_names(fit_cells, list(agegp = "C(agegp)", alcgp = "C(alcgp)",
                                                    tobgp = "C(tobgp)"))),
  fit = fb,
  cells_without_cases = sum(es$ncases == 0),
  cases_per_level = lapply(list(agegp = "agegp", alcgp = "alcgp", tobgp = "tobgp"),
                           function(v) as.list(tapply(es$ncases, es[[v]], sum)))))

# Robust standard errors of events/trials data are those of the cells (R's vcovHC on the
# grouped fit: each cell's score (events - trials p) x, its leverage from the grouped
# fit's hat values), which see overdispersion between cells.
for (type in c("HC0", "HC1", "HC3")) {
  V <- vcovHC(fit_cells, type = type)
  write_case(list(
    case = paste0("trials_esoph_", tolower(type)), data = esoph_csv,
    formula = "ncases ~ C(agegp) + C(alcgp) + C(tobgp)",
    options = list(trials = "total", se = tolower(type)), positive = NULL, generated_by = generated_by,
    coefficients = coef_rows(fit_cells, V,
                             sr_names(fit_cells, list(agegp = "C(agegp)", alcgp = "C(alcgp)",
                                                      tobgp = "C(tobgp)"))),
    fit = robust_wald(fb, fit_cells, V)))
}

# ---------------------------------------------------------------------------
# E. Class weights "balanced": w_i = n / (2 n_class(y_i)), HC0 sandwich
# ---------------------------------------------------------------------------

bw <- birthwt()
n <- nrow(bw)
class_n <- table(bw$low)
cw <- n / (2 * as.numeric(class_n))
names(cw) <- names(class_n)
bw$w <- unname(cw[as.character(bw$low)])
fit_cw <- fit_glm(birthwt_r_formula, bw, weights = bw$w,
                  allow = "non-integer #successes in a binomial glm!")
V <- vcovHC(fit_cw, type = "HC0")
check_vcov(V, own_sandwich(fit_cw), "class_weight_birthwt")
# Weighted log-likelihood sum w_i l_i at the estimates, and its null model
# (intercept only, weighted: p0 = sum w y / sum w = 1/2 exactly).
p <- fitted(fit_cw)
wll <- sum(bw$w * (bw$low * log(p) + (1 - bw$low) * log(1 - p)))
p0 <- sum(bw$w * bw$low) / sum(bw$w)
wll_null <- sum(bw$w * (bw$low * log(p0) + (1 - bw$low) * log(1 - p0)))
stopifnot(agree(-2 * wll, fit_cw$deviance, 1e-12), agree(-2 * wll_null, fit_cw$null.deviance, 1e-12))
fb <- fit_block(wll, wll_null, n, as.integer(sum(bw$low)), length(coef(fit_cw)))
fb$unweighted_log_likelihood <- sum(bw$low * log(p) + (1 - bw$low) * log(1 - p))
rows <- coef_rows(fit_cw, V, sr_names(fit_cw, birthwt_prefixes))
model_se <- sqrt(diag(vcov(fit_cw)))
for (i in seq_along(rows)) rows[[i]]$model_std_error <- unname(model_se[i])
write_case(list(
  case = "class_weight_birthwt", data = "tests/reference/firth/birthwt.csv",
  formula = birthwt_formula, options = list(class_weight = "balanced", se = "hc0"),
  positive = NULL, generated_by = generated_by,
  class_weights = as.list(cw), coefficients = rows, fit = robust_wald(fb, fit_cw, V),
  r_warnings = attr(fit_cw, "warnings")))

cat("\nmax |f(bound)| per profile case:\n")
print(unlist(profile_summary))
