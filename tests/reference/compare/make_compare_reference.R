# Reference values for `statreport compare`: nested logistic models fitted by R's
# glm(family = binomial) with tight convergence on the SAME rows (the complete cases over
# the union of every model's columns), with each model's n, log-likelihood, AIC, BIC,
# deviance, McFadden pseudo-R2, coefficients and AUC; the sequential likelihood-ratio
# tests of anova(m1, m2, m3, test = "LRT"), the LR test of every pair, and DeLong's test
# of the paired AUCs from pROC::roc.test(). Run from the repository root:
#
#   Rscript tests/reference/compare/make_compare_reference.R
#
# Writes tests/reference/compare/<case>.json. Requires r-base-core, r-cran-jsonlite and
# r-cran-proc (Debian packages).

suppressPackageStartupMessages({
  library(jsonlite)
  library(pROC)
})

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
if (length(script_arg) == 1) {
  script_dir <- dirname(normalizePath(sub("^--file=", "", script_arg)))
  setwd(normalizePath(file.path(script_dir, "..", "..", "..")))
}
out_dir <- file.path("tests", "reference", "compare")
stopifnot(dir.exists(out_dir))

# Factor whose levels are in C-locale byte order (matches Python's sorted()).
byte_factor <- function(x) factor(x, levels = sort(unique(x), method = "radix"))

# R's coefficient name -> statreport's (formulaic's): `factors` maps each factor column
# to the name formulaic gives its term, e.g. party -> C(party, Treatment('independent')).
formulaic_name <- function(r_name, factors, levels_of) {
  parts <- strsplit(r_name, ":", fixed = TRUE)[[1]]
  parts <- vapply(parts, function(part) {
    if (part == "(Intercept)") return("Intercept")
    for (column in names(factors)) {
      level <- substring(part, nchar(column) + 1)
      if (startsWith(part, column) && level %in% levels_of[[column]]) {
        return(paste0(factors[[column]], "[T.", level, "]"))
      }
    }
    gsub("^", " ** ", part, fixed = TRUE)
  }, character(1))
  paste(parts, collapse = ":")
}

churn_prepare <- function(d) {
  d$y <- as.integer(d$churn == "Yes")
  d$contract <- byte_factor(d$contract)
  d$internet_service <- byte_factor(d$internet_service)
  d
}

cases <- list(
  list(
    case = "churn_nested", data = "examples/churn.csv", positive = "Yes",
    outcome = "churn", prepare = churn_prepare,
    factors = c(contract = "contract", internet_service = "internet_service"),
    models = list(
      list(name = "m1", formula = "churn ~ tenure", r_formula = y ~ tenure),
      list(name = "m2", formula = "churn ~ tenure + contract", r_formula = y ~ tenure + contract),
      list(name = "m3", formula = "churn ~ tenure + contract + monthly_charges + internet_service",
           r_formula = y ~ tenure + contract + monthly_charges + internet_service)
    )
  ),
  # Like churn_nested, but m3 reads total_charges, which is empty for 11 customers:
  # all three models must then be fitted on the other 7,032 rows.
  list(
    case = "churn_nested_total_charges", data = "examples/churn.csv", positive = "Yes",
    outcome = "churn", prepare = churn_prepare,
    factors = c(contract = "contract"),
    models = list(
      list(name = "m1", formula = "churn ~ tenure", r_formula = y ~ tenure),
      list(name = "m2", formula = "churn ~ tenure + contract", r_formula = y ~ tenure + contract),
      list(name = "m3", formula = "churn ~ tenure + contract + total_charges",
           r_formula = y ~ tenure + contract + total_charges)
    )
  ),
  list(
    case = "anes96_nested", data = "examples/anes96.csv", positive = "Dole",
    outcome = "vote",
    prepare = function(d) {
      d$y <- as.integer(d$vote == "Dole")
      d$party <- relevel(byte_factor(d$party), ref = "independent")
      d$education <- byte_factor(d$education)  # reference "college"
      d
    },
    factors = c(party = "C(party, Treatment('independent'))", education = "education"),
    models = list(
      list(name = "m1", formula = "vote ~ C(party, Treatment('independent'))",
           r_formula = y ~ party),
      list(name = "m2", formula = "vote ~ C(party, Treatment('independent')) + age + self_lr",
           r_formula = y ~ party + age + self_lr),
      list(name = "m3",
           formula = "vote ~ C(party, Treatment('independent')) + age + education + self_lr",
           r_formula = y ~ party + age + education + self_lr)
    )
  )
)

deparse_formula <- function(f) paste(deparse(f, width.cutoff = 500L), collapse = " ")
roc_of <- function(y, p) roc(y, p, direction = "<", levels = c(0, 1))

for (cs in cases) {
  raw <- read.csv(cs$data, stringsAsFactors = FALSE)
  # Complete cases over the union of every model's columns (the outcome included).
  columns <- unique(c(cs$outcome, unlist(lapply(cs$models, function(m)
    setdiff(all.vars(m$r_formula), "y")))))
  keep <- complete.cases(raw[, columns])
  d <- cs$prepare(raw[keep, , drop = FALSE])
  factor_columns <- names(cs$factors)
  levels_of <- lapply(setNames(factor_columns, factor_columns), function(v) levels(d[[v]]))

  fits <- lapply(cs$models, function(m) {
    fit <- glm(m$r_formula, family = binomial(), data = d,
               control = glm.control(epsilon = 1e-14, maxit = 100))
    stopifnot(fit$converged, !any(is.na(coef(fit))), nrow(model.frame(fit)) == nrow(d))
    fit
  })
  names(fits) <- vapply(cs$models, `[[`, character(1), "name")
  y <- fits[[1]]$y
  for (fit in fits) stopifnot(identical(fit$y, y))
  rocs <- lapply(fits, function(fit) roc_of(y, unname(fitted(fit))))

  models <- lapply(seq_along(fits), function(i) {
    fit <- fits[[i]]
    sm <- summary(fit)$coefficients
    r_terms <- rownames(sm)
    ll <- as.numeric(logLik(fit))
    ll_null <- -fit$null.deviance / 2
    list(
      name = cs$models[[i]]$name,
      formula = cs$models[[i]]$formula,
      r_formula = deparse_formula(cs$models[[i]]$r_formula),
      n = nrow(model.frame(fit)),
      n_params = length(coef(fit)),
      df_resid = fit$df.residual,
      log_likelihood = ll,
      ll_null = ll_null,
      aic = AIC(fit),
      bic = BIC(fit),
      deviance = fit$deviance,
      null_deviance = fit$null.deviance,
      mcfadden_r2 = 1 - ll / ll_null,
      auc = as.numeric(auc(rocs[[i]])),
      coefficients = lapply(seq_along(r_terms), function(j) list(
        term = formulaic_name(r_terms[j], cs$factors, levels_of),
        r_term = r_terms[j],
        estimate = sm[j, "Estimate"],
        std_error = sm[j, "Std. Error"]
      ))
    )
  })

  table <- do.call(anova, c(unname(fits), list(test = "LRT")))
  anova_rows <- lapply(seq_len(nrow(table)), function(i) list(
    model = names(fits)[i],
    resid_df = table[i, "Resid. Df"],
    resid_dev = table[i, "Resid. Dev"],
    df = table[i, "Df"],
    deviance = table[i, "Deviance"],
    p_value = table[i, "Pr(>Chi)"]
  ))

  # Each model against the next, then the first against the last: (m1, m2), (m2, m3), (m1, m3).
  pairs <- c(lapply(seq_len(length(fits) - 1), function(i) names(fits)[c(i, i + 1)]),
             if (length(fits) > 2) list(names(fits)[c(1, length(fits))]))
  lr_pairs <- lapply(pairs, function(pair) {
    t2 <- anova(fits[[pair[1]]], fits[[pair[2]]], test = "LRT")
    list(a = pair[1], b = pair[2], df = t2[2, "Df"], lr_chi2 = t2[2, "Deviance"],
         p_value = t2[2, "Pr(>Chi)"])
  })
  roc_tests <- lapply(pairs, function(pair) {
    test <- roc.test(rocs[[pair[1]]], rocs[[pair[2]]], method = "delong", paired = TRUE)
    list(a = pair[1], b = pair[2],
         auc_a = as.numeric(auc(rocs[[pair[1]]])), auc_b = as.numeric(auc(rocs[[pair[2]]])),
         statistic = unname(test$statistic), p_value = test$p.value)
  })

  out <- list(
    case = cs$case,
    data = cs$data,
    positive = cs$positive,
    generated_by = paste0(R.version.string, " glm(), anova(); pROC ",
                          as.character(packageVersion("pROC"))),
    columns = columns,
    n_rows = nrow(raw),
    n_used = sum(keep),
    n_dropped = sum(!keep),
    dropped_rows = which(!keep) - 1L,
    levels = levels_of,
    models = models,
    anova = anova_rows,
    lr_pairs = lr_pairs,
    roc_tests = roc_tests
  )
  path <- file.path(out_dir, paste0(cs$case, ".json"))
  writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE,
                    null = "null", na = "null"), path)
  cat("wrote", path, "\n")
}
